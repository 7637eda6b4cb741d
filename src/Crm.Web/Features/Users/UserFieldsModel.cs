using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Crm.Web.Features.Users;

/// <summary>What the shared user-fields partial needs: the values, the choices and the messages.</summary>
public sealed record UserFieldsModel(UserForm Form, UserFormChoices Choices, ModelStateDictionary ModelState)
{
    public string? Error(string key) =>
        ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? string.Join(" ", entry.Errors.Select(e => e.ErrorMessage)) : null;
}
