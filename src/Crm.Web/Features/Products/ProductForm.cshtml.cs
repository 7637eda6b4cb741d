using System.ComponentModel.DataAnnotations;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Products;

/// <summary>The model of <c>/products/new</c> and <c>/products/{id}/edit</c>.</summary>
public sealed class ProductFormPage(ReadProduct read, SaveProduct save) : PageModel
{
    [BindProperty]
    public ProductForm Input { get; set; } = new();

    public int? Id { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is { } existing)
        {
            var found = await read.RunAsync(HttpContext.Actor(), existing, cancellationToken);
            if (!found.IsOk)
            {
                return NotFound();
            }

            if (!found.Value!.Can.Edit)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            var p = found.Value.Product;
            Input = new ProductForm { Code = p.Code, Name = p.Name, Price = p.Price, Currency = p.Currency, Category = p.Category, IsActive = p.IsActive, Version = p.Version };
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (ModelState.IsValid)
        {
            var input = new ProductInput(Input.Code, Input.Name, Input.Price, Input.Currency, Input.Category, Input.IsActive, null, Input.Version);
            var result = await save.RunAsync(HttpContext.Actor(), id, input, ProductFields.All & ~ProductFields.Owner, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/products/{result.Value!.Id}?saved=true");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            result.CopyTo(ModelState);
        }

        return Page();
    }

    public sealed class ProductForm
    {
        [Display(Name = "Code")]
        public string? Code { get; set; }

        [Display(Name = "Name")]
        public string? Name { get; set; }

        [Display(Name = "Price")]
        public string? Price { get; set; }

        [Display(Name = "Currency")]
        public string? Currency { get; set; } = Money.DefaultCurrency;

        [Display(Name = "Category")]
        public string? Category { get; set; }

        [Display(Name = "Active")]
        public bool IsActive { get; set; } = true;

        public int? Version { get; set; }
    }
}
