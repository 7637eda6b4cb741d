using Crm.Web.Data;
using Crm.Web.Features.Access;
using Crm.Web.Security.Permissions;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Users;

public sealed class EditUserPage(
    ReadUser readUser, UpdateUser updateUser, SetUserActive setActive, SaveOverrides saveOverrides, StartPreview startPreview,
    PermissionCatalog catalog, CrmDb db, Account.FreshSignIn freshSignIn) : PageModel
{
    /// <summary>The session is older than 10 minutes: making this user an administrator asks for the password.</summary>
    public bool NeedsPassword { get; private set; }

    [BindProperty]
    public UserForm Input { get; set; } = new();

    [BindProperty]
    public Dictionary<string, string> Grants { get; set; } = [];

    public GrantMatrix Overrides => new(catalog.Modules, GrantMatrix.From(_postedOverrides?.Where(g => Enum.IsDefined(g.Scope)) ?? Person.Overrides), OffersInherit: true, InheritLabel: "(from role)");
    public string? OverridesError { get; private set; }

    /// <summary>What saving the user's details or individual permissions would change for whom, after Preview.</summary>
    public WhatIf.WhatIfPreview? WhatIf { get; private set; }

    private IReadOnlyList<Roles.GrantInput>? _postedOverrides;

    public UserDetails Person { get; private set; } = null!;
    public UserFieldsModel Fields { get; private set; } = null!;
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? notice, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Input = UserForm.From(Person);
        Fields = new UserFieldsModel(Input, await UserFormChoices.LoadAsync(db, cancellationToken), ModelState);
        Notice = notice switch
        {
            "saved" => "Saved.",
            "deactivated" => "Deactivated: the user is signed out and cannot sign in; their history stays.",
            "activated" => "Reactivated: the user can sign in again.",
            "overrides" => "Individual permissions saved. They apply from the user's next request.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await updateUser.RunAsync(HttpContext.Actor(), id, Input.ToInput(), cancellationToken);
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        if (result.IsOk)
        {
            return Redirect($"/admin/users/{id}?notice=saved");
        }

        result.CopyTo(ModelState);
        return await RedisplayAsync(id, cancellationToken);
    }

    /// <summary>Preview beside Save: the same update, rolled back, and who would gain or lose what (a new role, groups, departments).</summary>
    public async Task<IActionResult> OnPostWhatIfAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await updateUser.PreviewAsync(HttpContext.Actor(), id, Input.ToInput(), cancellationToken);
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        WhatIf = result.Value;
        result.CopyTo(ModelState);
        return await RedisplayAsync(id, cancellationToken);
    }

    /// <summary>Preview beside "Save individual permissions": the same save, rolled back; the posted matrix stays on the form.</summary>
    public async Task<IActionResult> OnPostOverridesWhatIfAsync(Guid id, CancellationToken cancellationToken)
    {
        _postedOverrides = GrantMatrix.Read(Grants, emptyMeansInherit: true);
        var result = await saveOverrides.PreviewAsync(HttpContext.Actor(), id, _postedOverrides, cancellationToken);
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        WhatIf = result.Value;
        OverridesError = result.IsOk ? null : string.Join(" ", result.Errors.Values.SelectMany(m => m).DefaultIfEmpty(result.Message ?? ""));
        return await RedisplayWithStoredValuesAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostOverridesAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await saveOverrides.RunAsync(HttpContext.Actor(), id, GrantMatrix.Read(Grants, emptyMeansInherit: true), cancellationToken);
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        if (result.IsOk)
        {
            return Redirect($"/admin/users/{id}?notice=overrides");
        }

        OverridesError = string.Join(" ", result.Errors.Values.SelectMany(m => m).DefaultIfEmpty(result.Message ?? ""));
        return await RedisplayWithStoredValuesAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostPreviewAsync(Guid id, CancellationToken cancellationToken)
    {
        var signedIn = HttpContext.SignedIn()!;
        var result = await startPreview.RunAsync(HttpContext.Actor(), signedIn.SessionId, id, cancellationToken);
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        if (result.IsOk)
        {
            return Redirect("/");
        }

        ModelState.AddModelError("", result.Message ?? "The preview could not start.");
        return await RedisplayWithStoredValuesAsync(id, cancellationToken);
    }

    public Task<IActionResult> OnPostDeactivateAsync(Guid id, CancellationToken cancellationToken) => SetActiveAsync(id, false, cancellationToken);

    public Task<IActionResult> OnPostActivateAsync(Guid id, CancellationToken cancellationToken) => SetActiveAsync(id, true, cancellationToken);

    private async Task<IActionResult> SetActiveAsync(Guid id, bool active, CancellationToken cancellationToken)
    {
        var result = await setActive.RunAsync(HttpContext.Actor(), id, active, cancellationToken);
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        if (result.IsOk)
        {
            return Redirect($"/admin/users/{id}?notice={(active ? "activated" : "deactivated")}");
        }

        ModelState.AddModelError("", result.Message ?? "The change could not be made.");
        return await RedisplayWithStoredValuesAsync(id, cancellationToken);
    }

    private async Task<IActionResult> RedisplayWithStoredValuesAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Input = UserForm.From(Person);
        Fields = new UserFieldsModel(Input, await UserFormChoices.LoadAsync(db, cancellationToken), ModelState);
        return Page();
    }

    private async Task<IActionResult> RedisplayAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Fields = new UserFieldsModel(Input, await UserFormChoices.LoadAsync(db, cancellationToken), ModelState);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await readUser.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!result.IsOk)
        {
            return false;
        }

        Person = result.Value;
        NeedsPassword = !Person.IsAdministrator && await freshSignIn.NeedsPasswordAsync(cancellationToken);
        return true;
    }
}
