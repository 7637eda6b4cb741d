using Crm.Web.Features.Access;
using Crm.Web.Features.Roles;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Profiles;

/// <summary>A profile's name, grant matrix and field rules, saved together; Preview shows the what-if first.</summary>
public sealed class EditProfilePage(ReadProfile readProfile, SaveProfile saveProfile, DeleteProfile deleteProfile, PermissionCatalog catalog, RestrictableFields restrictable) : PageModel
{
    [BindProperty]
    public ProfileForm Input { get; set; } = new();

    [BindProperty]
    public Dictionary<string, string> Grants { get; set; } = [];

    [BindProperty]
    public Dictionary<string, string> FieldRules { get; set; } = [];

    public ProfileDetails Profile { get; private set; } = null!;
    public GrantMatrix Matrix { get; private set; } = null!;
    public FieldRuleChoices FieldChoices { get; private set; } = null!;
    public string? Notice { get; private set; }

    /// <summary>What saving would change for whom, after Preview.</summary>
    public WhatIf.WhatIfPreview? WhatIf { get; private set; }

    private IReadOnlyList<GrantInput>? _postedGrants;
    private List<FieldRuleInput>? _postedFieldRules;
    private Result? _result;

    public string? Error(string field) =>
        _result is not null && _result.Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>The field rule to show: the posted one after a preview or a refusal, else the profile's.</summary>
    public FieldAccess? FieldRuleOf(string module, string field) => _postedFieldRules is { } posted
        ? posted.FirstOrDefault(r => r.Module == module && r.Field == field)?.Access
        : Profile.FieldRules.FirstOrDefault(r => r.Module == module && r.Field == field)?.Access;

    public async Task<IActionResult> OnGetAsync(int id, string? notice, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Input = new ProfileForm { Name = Profile.Name, Description = Profile.Description };
        Notice = notice switch
        {
            "created" => "Profile added. It grants nothing yet: choose its permissions below.",
            "saved" => "Saved. Holders of the roles built on this profile get the change on their next request.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var result = await saveProfile.RunAsync(HttpContext.Actor(), id, Posted(), cancellationToken);
        return result.IsOk ? Redirect($"/admin/profiles/{id}?notice=saved") : await AfterAsync(id, result, cancellationToken);
    }

    /// <summary>Preview beside Save: the same save, rolled back; what was posted stays on the form.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(int id, CancellationToken cancellationToken)
    {
        var result = await saveProfile.PreviewAsync(HttpContext.Actor(), id, Posted(), cancellationToken);
        WhatIf = result.Value;
        return await AfterAsync(id, result, cancellationToken);
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken cancellationToken)
    {
        var result = await deleteProfile.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/admin/profiles");
        }

        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Input = new ProfileForm { Name = Profile.Name, Description = Profile.Description };
        result.CopyTo(ModelState);
        return Page();
    }

    private ProfileInput Posted()
    {
        _postedGrants = GrantMatrix.Read(Grants, emptyMeansInherit: false);
        _postedFieldRules = FieldRuleChoices.Read(FieldRules);
        return new ProfileInput(Input.Name, Input.Description, _postedGrants, _postedFieldRules);
    }

    private async Task<IActionResult> AfterAsync(int id, Result result, CancellationToken cancellationToken)
    {
        if (result.Outcome == Outcome.NotFound || !await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        _result = result;
        result.CopyTo(ModelState);
        Matrix = new GrantMatrix(catalog.Modules, GrantMatrix.From(_postedGrants?.Where(g => Enum.IsDefined(g.Scope)) ?? Profile.Grants), OffersInherit: false);
        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var result = await readProfile.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!result.IsOk)
        {
            return false;
        }

        Profile = result.Value;
        Matrix = new GrantMatrix(catalog.Modules, GrantMatrix.From(Profile.Grants), OffersInherit: false);
        FieldChoices = new FieldRuleChoices(await restrictable.ListAsync(cancellationToken), FieldRuleOf);
        return true;
    }
}
