using Crm.Web.Features.Access;
using Crm.Web.Features.Profiles;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Roles;

public sealed class EditRolePage(
    ReadRole readRole, ListRoles listRoles, SaveRole saveRole, SaveRoleGrants saveGrants, SaveRoleFieldRules saveFieldRules,
    SaveRoleProfiles saveProfiles, ListProfiles listProfiles, DeleteRole deleteRole, PermissionCatalog catalog, RestrictableFields restrictable) : PageModel
{
    [BindProperty]
    public RoleForm Input { get; set; } = new();

    [BindProperty]
    public Dictionary<string, string> Grants { get; set; } = [];

    [BindProperty]
    public Dictionary<string, string> FieldRules { get; set; } = [];

    /// <summary>The profiles ticked in the Profiles section.</summary>
    [BindProperty]
    public List<int> ProfileIds { get; set; } = [];

    /// <summary>Every profile, to choose the role's among.</summary>
    public IReadOnlyList<ProfileRow> Profiles { get; private set; } = [];

    public string? ProfilesError { get; private set; }

    /// <summary>Whether a profile is ticked: the posted choice after a preview, else the role's.</summary>
    public bool Uses(int profileId) => (_postedProfiles ?? Role.ProfileIds).Contains(profileId);

    private IReadOnlyList<int>? _postedProfiles;

    public RoleDetails Role { get; private set; } = null!;
    public RoleFieldsModel Fields { get; private set; } = null!;
    public GrantMatrix Matrix { get; private set; } = null!;
    public FieldRuleChoices FieldChoices { get; private set; } = null!;
    public string? Notice { get; private set; }
    public string? GrantsError { get; private set; }
    public string? FieldRulesError { get; private set; }

    /// <summary>What saving the permissions or the field rules would change for whom, after Preview.</summary>
    public WhatIf.WhatIfPreview? WhatIf { get; private set; }

    /// <summary>The field rules to show: the posted ones after a preview, else the role's.</summary>
    public FieldAccess? FieldRuleOf(string module, string field) => _postedFieldRules is { } posted
        ? posted.FirstOrDefault(r => r.Module == module && r.Field == field)?.Access
        : Role.FieldRules.FirstOrDefault(r => r.Module == module && r.Field == field)?.Access;

    private IReadOnlyList<GrantInput>? _postedGrants;
    private List<FieldRuleInput>? _postedFieldRules;

    public async Task<IActionResult> OnGetAsync(int id, string? notice, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Input = new RoleForm { Name = Role.Name, Description = Role.Description, ParentId = Role.ParentId, AssignRecordsTo = Role.AssignRecordsTo, MaxExportRows = Role.MaxExportRows };
        await LoadFormsAsync(cancellationToken);
        Notice = notice switch
        {
            "created" => "Role added. It grants nothing yet: choose its permissions below.",
            "saved" => "Saved. Holders of this role get the change on their next request.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await saveRole.RunAsync(HttpContext.Actor(), id, Input.ToInput(), cancellationToken), keepInput: true, cancellationToken);

    public async Task<IActionResult> OnPostGrantsAsync(int id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await saveGrants.RunAsync(HttpContext.Actor(), id, GrantMatrix.Read(Grants, emptyMeansInherit: false), cancellationToken), keepInput: false, cancellationToken);

    public async Task<IActionResult> OnPostFieldsAsync(int id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await saveFieldRules.RunAsync(HttpContext.Actor(), id, PostedFieldRules(), cancellationToken), keepInput: false, cancellationToken);

    /// <summary>Preview beside "Save permissions": the same save, rolled back; the posted matrix stays on the form.</summary>
    public async Task<IActionResult> OnPostGrantsPreviewAsync(int id, CancellationToken cancellationToken)
    {
        _postedGrants = GrantMatrix.Read(Grants, emptyMeansInherit: false);
        var result = await saveGrants.PreviewAsync(HttpContext.Actor(), id, _postedGrants, cancellationToken);
        WhatIf = result.Value;
        return await AfterAsync(id, result, keepInput: false, cancellationToken, previewed: true);
    }

    /// <summary>Preview beside "Save field rules": the same save, rolled back; the posted choices stay on the form.</summary>
    public async Task<IActionResult> OnPostFieldsPreviewAsync(int id, CancellationToken cancellationToken)
    {
        _postedFieldRules = PostedFieldRules();
        var result = await saveFieldRules.PreviewAsync(HttpContext.Actor(), id, _postedFieldRules, cancellationToken);
        WhatIf = result.Value;
        return await AfterAsync(id, result, keepInput: false, cancellationToken, previewed: true);
    }

    public async Task<IActionResult> OnPostProfilesAsync(int id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await saveProfiles.RunAsync(HttpContext.Actor(), id, ProfileIds, cancellationToken), keepInput: false, cancellationToken);

    /// <summary>Preview beside "Save profiles": the same save, rolled back; the ticked profiles stay ticked.</summary>
    public async Task<IActionResult> OnPostProfilesPreviewAsync(int id, CancellationToken cancellationToken)
    {
        _postedProfiles = ProfileIds;
        var result = await saveProfiles.PreviewAsync(HttpContext.Actor(), id, ProfileIds, cancellationToken);
        WhatIf = result.Value;
        return await AfterAsync(id, result, keepInput: false, cancellationToken, previewed: true);
    }

    private List<FieldRuleInput> PostedFieldRules() => FieldRuleChoices.Read(FieldRules);

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken cancellationToken)
    {
        var result = await deleteRole.RunAsync(HttpContext.Actor(), id, cancellationToken);
        return result.IsOk ? Redirect("/admin/roles") : await AfterAsync(id, result, keepInput: false, cancellationToken);
    }

    private async Task<IActionResult> AfterAsync(int id, Result result, bool keepInput, CancellationToken cancellationToken, bool previewed = false)
    {
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        if (result.IsOk && !previewed)
        {
            return Redirect($"/admin/roles/{id}?notice=saved");
        }

        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        result.CopyTo(ModelState);
        GrantsError = result.Errors.TryGetValue("grants", out var grants) ? string.Join(" ", grants) : null;
        ProfilesError = result.Errors.TryGetValue("profileIds", out var profiles) ? string.Join(" ", profiles) : null;
        FieldRulesError = result.Errors.TryGetValue("fieldRules", out var fieldRules) ? string.Join(" ", fieldRules) : null;
        // A refused save keeps what was posted on the form, as a preview does.
        _postedFieldRules ??= result.Errors.ContainsKey("fieldRules") ? PostedFieldRules() : null;
        if (!keepInput)
        {
            Input = new RoleForm { Name = Role.Name, Description = Role.Description, ParentId = Role.ParentId, AssignRecordsTo = Role.AssignRecordsTo, MaxExportRows = Role.MaxExportRows };
        }

        await LoadFormsAsync(cancellationToken);
        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var result = await readRole.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!result.IsOk)
        {
            return false;
        }

        Role = result.Value;
        return true;
    }

    private async Task LoadFormsAsync(CancellationToken cancellationToken)
    {
        Fields = new RoleFieldsModel(Input, (await listRoles.RunAsync(HttpContext.Actor(), cancellationToken)).Value ?? [], Role.Id, ModelState);
        Matrix = new GrantMatrix(catalog.Modules, GrantMatrix.From(_postedGrants?.Where(g => Enum.IsDefined(g.Scope)) ?? Role.Grants), OffersInherit: false);
        Profiles = (await listProfiles.RunAsync(HttpContext.Actor(), cancellationToken)).Value ?? [];
        FieldChoices = new FieldRuleChoices(await restrictable.ListAsync(cancellationToken), FieldRuleOf);
    }
}
