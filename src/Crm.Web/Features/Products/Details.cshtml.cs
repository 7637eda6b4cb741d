using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Products;

public sealed class ProductPage(ReadProduct read) : RecordDetailsPage<RecordView<ProductDetails>>
{
    protected override Task<Result<RecordView<ProductDetails>>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);
}
