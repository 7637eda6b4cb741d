using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.CustomFields;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Access;

/// <summary>What to explain; with a token id, for that API token: its user's permissions narrowed to its scopes (the user may then be left out).</summary>
public sealed record ExplainRequest(Guid? UserId, string? Module, string? Action, Guid? TokenId = null);

public sealed record AccessExplanation(Guid UserId, string User, string Module, string Action, bool Allowed, Scope Scope, IReadOnlyList<ExplanationStep> Steps)
{
    /// <summary>The API token asked about, if any.</summary>
    public string? Token { get; init; }

    /// <summary>True when the user may, and only the token's scopes refuse.</summary>
    public bool RefusedByTokenScope { get; init; }
}

/// <summary>
/// "Why can (or can't) Ann edit deals?": the decision and every step that produced it, from the
/// same code that decides. Asking is recorded in the activity log.
/// </summary>
public sealed class ExplainAccess(CrmDb db, PermissionSubjects subjects, PermissionEngine engine, PermissionCatalog catalog, ActivityLog activity)
{
    public async Task<Result<AccessExplanation>> RunAsync(Actor actor, ExplainRequest request, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<AccessExplanation>.Forbidden("Only administrators can ask why someone may or may not do something.");
        }

        var errors = new FieldErrors();
        var token = request.TokenId is { } tokenId
            ? await db.ApiTokens.Where(t => t.Id == tokenId).Select(t => new { t.Name, t.UserId, t.Scopes }).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (request.TokenId is not null && token is null)
        {
            errors.Add("tokenId", "That API token does not exist.");
        }
        else if (token is not null && request.UserId is { } asked && asked != token.UserId)
        {
            errors.Add("tokenId", "That API token acts as another user: choose the token alone, or its own user.");
        }

        var userId = request.UserId ?? token?.UserId;
        if (userId is null)
        {
            errors.Add("userId", "Choose a user.");
        }

        var module = catalog.Modules.FirstOrDefault(m => m.Key == request.Module);
        if (module is null)
        {
            errors.Add("module", "Choose a module.");
        }
        else if (string.IsNullOrEmpty(request.Action) || !module.Has(request.Action))
        {
            errors.Add("action", $"Choose one of the actions of {module.Title}: {string.Join(", ", module.Actions)}.");
        }

        if (errors.Any)
        {
            return Result<AccessExplanation>.Invalid(errors);
        }

        var subject = await subjects.LoadAsync(userId!.Value, cancellationToken);
        if (subject is null)
        {
            return Result<AccessExplanation>.Invalid("userId", "That user does not exist (any more).");
        }

        // The same narrowing as a request made with the token (Access.SubjectAsync); a token without scopes adds nothing.
        if (token is not null && Security.Permissions.TokenScopes.FromStored(token.Scopes) is { } scopes)
        {
            subject = subject with { TokenScopes = scopes, TokenName = token.Name };
        }

        var customFields = await db.Set<CustomField>().Where(f => f.Module == module!.Key).ToDictionaryAsync(f => f.Key, f => f.Label, cancellationToken);
        var explanation = engine.Explain(subject, module!.Key, request.Action!, customFields: customFields);
        var through = token is null ? "" : $" through API token \"{token.Name}\"";
        activity.Record(actor, ActivityKinds.AccessExplained,
            $"Asked why {subject.DisplayName}{through} {(explanation.Decision.Allowed ? "may" : "may not")} {request.Action} {module.Title}", subject.UserId);
        await db.SaveChangesAsync(cancellationToken);
        return Result<AccessExplanation>.Ok(new AccessExplanation(subject.UserId, subject.DisplayName, module.Key, request.Action!,
            explanation.Decision.Allowed, explanation.Decision.Scope, explanation.Steps)
        {
            Token = token?.Name,
            RefusedByTokenScope = explanation.Decision.RefusedByTokenScope,
        });
    }
}
