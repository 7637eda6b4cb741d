using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Access;

public sealed record UserChoice(Guid Id, string Name);

public sealed class ExplainPage(ExplainAccess explain, PermissionCatalog catalog, CrmDb db) : PageModel
{
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    [FromQuery(Name = "user")]
    public Guid? UserId { get; set; }

    [FromQuery(Name = "token")]
    public Guid? TokenId { get; set; }

    [FromQuery(Name = "module")]
    public string? Module { get; set; }

    [FromQuery(Name = "action")]
    public string? Action { get; set; }

    public PermissionCatalog Catalog => catalog;
    public IReadOnlyList<UserChoice> Users { get; private set; } = [];

    /// <summary>The API tokens not revoked, to explain a token's narrowed rights.</summary>
    public IReadOnlyList<UserChoice> Tokens { get; private set; } = [];
    public AccessExplanation? Result { get; private set; }

    public string? Error(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Users = await db.Users.AsNoTracking().OrderBy(u => u.FullName)
            .Select(u => new UserChoice(u.Id, u.FullName + " <" + u.Email + ">" + (u.IsActive ? "" : " (deactivated)")))
            .ToListAsync(cancellationToken);
        Tokens = await db.ApiTokens.AsNoTracking().Where(t => t.RevokedAt == null).OrderBy(t => t.Name)
            .Select(t => new UserChoice(t.Id, t.Name + (t.Scopes == null ? "" : " (scoped)")))
            .ToListAsync(cancellationToken);
        if (UserId is null && TokenId is null && Module is null && Action is null)
        {
            return;
        }

        var result = await explain.RunAsync(HttpContext.Actor(), new ExplainRequest(UserId, Module, Action, TokenId), cancellationToken);
        Result = result.Value;
        _errors = result.Errors;
    }
}
