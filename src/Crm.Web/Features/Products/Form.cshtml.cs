using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Products;

/// <summary>The model of <c>/products/new</c> and <c>/products/{id}/edit</c>; the owner is not on the form.</summary>
public sealed class ProductFormPage(ReadProduct read, SaveProduct save)
    : RecordViewFormPage<ProductInput, ProductFields, ProductDetails>(read, save, CrmModules.Products, ProductFields.All & ~ProductFields.OwnerId)
{
    public Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken) => OpenAsync(id, ProductInput.Blank, cancellationToken);
}
