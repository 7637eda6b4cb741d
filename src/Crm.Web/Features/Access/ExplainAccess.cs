using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Access;

public sealed record ExplainRequest(Guid? UserId, string? Module, string? Action);

public sealed record AccessExplanation(Guid UserId, string User, string Module, string Action, bool Allowed, Scope Scope, IReadOnlyList<ExplanationStep> Steps);

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
        if (request.UserId is null)
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

        var subject = await subjects.LoadAsync(request.UserId!.Value, cancellationToken);
        if (subject is null)
        {
            return Result<AccessExplanation>.Invalid("userId", "That user does not exist (any more).");
        }

        var explanation = engine.Explain(subject, module!.Key, request.Action!);
        activity.Record(actor, ActivityKinds.AccessExplained,
            $"Asked why {subject.DisplayName} {(explanation.Decision.Allowed ? "may" : "may not")} {request.Action} {module.Title}", subject.UserId);
        await db.SaveChangesAsync(cancellationToken);
        return Result<AccessExplanation>.Ok(new AccessExplanation(subject.UserId, subject.DisplayName, module.Key, request.Action!,
            explanation.Decision.Allowed, explanation.Decision.Scope, explanation.Steps));
    }
}
