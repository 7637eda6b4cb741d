using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Crm.Web.Features.Profiles;

/// <summary>A profile's name and description as the pages post them.</summary>
public sealed class ProfileForm
{
    public string? Name { get; set; }
    public string? Description { get; set; }

    public static string? Error(ModelStateDictionary modelState, string key) =>
        modelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? string.Join(" ", entry.Errors.Select(e => e.ErrorMessage)) : null;
}
