using Crm.Web.Data;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Users;

public sealed class NewUserPage(CreateUser createUser, CrmDb db) : PageModel
{
    [BindProperty]
    public UserForm Input { get; set; } = new();

    public UserFieldsModel Fields { get; private set; } = null!;

    /// <summary>Set after a successful POST: the page shows the set-password link once, in this response only.</summary>
    public CreatedUser? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Fields = new UserFieldsModel(Input, await UserFormChoices.LoadAsync(db, cancellationToken), ModelState);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await createUser.RunAsync(HttpContext.Actor(), Input.ToInput(), HttpContext, cancellationToken);
        if (result.IsOk)
        {
            Created = result.Value;
            return Page();
        }

        result.CopyTo(ModelState);
        Fields = new UserFieldsModel(Input, await UserFormChoices.LoadAsync(db, cancellationToken), ModelState);
        return Page();
    }
}
