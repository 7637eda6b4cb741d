using Crm.Web.Data;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Users;

public sealed class NewUserPage(CreateUser createUser, CrmDb db, Account.FreshSignIn freshSignIn) : PageModel
{
    /// <summary>The session is older than 10 minutes: adding an administrator asks for the password.</summary>
    public bool NeedsPassword { get; private set; }

    [BindProperty]
    public UserForm Input { get; set; } = new();

    public UserFieldsModel Fields { get; private set; } = null!;

    /// <summary>Set after a successful POST: the page shows the set-password link once, in this response only.</summary>
    public CreatedUser? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Fields = new UserFieldsModel(Input, await UserFormChoices.LoadAsync(db, cancellationToken), ModelState);
        NeedsPassword = await freshSignIn.NeedsPasswordAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await createUser.RunAsync(HttpContext.Actor(), Input.ToInput(), HttpContext, cancellationToken);
        if (result.IsOk)
        {
            Created = result.Value;
            return Page();
        }

        result.CopyTo(ModelState);
        Input.CurrentPassword = null;
        Fields = new UserFieldsModel(Input, await UserFormChoices.LoadAsync(db, cancellationToken), ModelState);
        NeedsPassword = await freshSignIn.NeedsPasswordAsync(cancellationToken);
        return Page();
    }
}
