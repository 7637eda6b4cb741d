using Crm.Web.Records;

namespace Crm.Web.Features.Products;

public sealed class ProductPage(ReadProduct read) : RecordViewPage<ProductDetails>(read);
