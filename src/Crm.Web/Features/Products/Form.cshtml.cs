using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Products;

/// <summary>The model of <c>/products/new</c> and <c>/products/{id}/edit</c>; the owner is not on the form.</summary>
public sealed class ProductFormPage(ReadProduct read, SaveProduct save) : RecordFormPage<ProductInput, RecordView<ProductDetails>, ProductDetails>
{
    public Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken) => OpenAsync(id, ProductInput.Blank, cancellationToken);

    protected override Task<Result<RecordView<ProductDetails>>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(RecordView<ProductDetails> view) => view.Can.Edit;

    protected override ProductInput Fill(RecordView<ProductDetails> view) => ProductInput.Of(view.Record);

    protected override Task<Result<ProductDetails>> SaveAsync(Actor actor, int? id, ProductInput form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, form, ProductFields.All & ~ProductFields.OwnerId, cancellationToken);

    protected override string PageOf(ProductDetails saved) => $"/products/{saved.Id}";
}
