using System.ComponentModel.DataAnnotations;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Products;

/// <summary>The model of <c>/products/new</c> and <c>/products/{id}/edit</c>.</summary>
public sealed class ProductFormPage(ReadProduct read, SaveProduct save) : RecordFormPage<ProductFormPage.ProductForm, ProductView, ProductDetails>
{
    public Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken) => OpenAsync(id, null, cancellationToken);

    protected override Task<Result<ProductView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(ProductView view) => view.Can.Edit;

    protected override ProductForm Fill(ProductView view)
    {
        var p = view.Product;
        return new ProductForm { Code = p.Code, Name = p.Name, Price = p.Price, Currency = p.Currency, Category = p.Category, IsActive = p.IsActive, Version = p.Version };
    }

    protected override Task<Result<ProductDetails>> SaveAsync(Actor actor, int? id, ProductForm form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, new ProductInput(form.Code, form.Name, form.Price, form.Currency, form.Category, form.IsActive, null, form.Version),
            ProductFields.All & ~ProductFields.Owner, cancellationToken);

    protected override string PageOf(ProductDetails saved) => $"/products/{saved.Id}";

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
