using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Products;

/// <summary>One product; the price is text like "19.90" in the currency's decimals.</summary>
public sealed record ProductDetails(
    int Id, string Code, string Name, string Price, string Currency, string? Category, bool IsActive,
    Guid OwnerId, string OwnerName, int? DepartmentId, DateTime CreatedAt, Guid? CreatedById, DateTime ModifiedAt, Guid? ModifiedById, int Version) : IRecordDetails;

/// <summary>One product as its page and form read it.</summary>
public sealed class ReadProduct(CrmDb db, RecordAccess access) : IReadRecord<ProductDetails>
{
    public Task<Result<RecordView<ProductDetails>>> RunAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        access.ViewAsync<Product, ProductDetails>(actor, CrmModules.Products, id, (p, ct) => DetailsAsync(db, p, ct), cancellationToken);

    internal static async Task<ProductDetails> DetailsAsync(CrmDb db, Product p, CancellationToken cancellationToken) =>
        new(p.Id, p.Code, p.Name, Money.Format(p.Price, p.Currency), p.Currency, p.Category, p.IsActive, p.OwnerId, await Owners.NameAsync(db, p.OwnerId, cancellationToken),
            p.DepartmentId, p.CreatedAt, p.CreatedById, p.ModifiedAt, p.ModifiedById, p.Version);
}
