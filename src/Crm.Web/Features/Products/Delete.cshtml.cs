using Crm.Web.Records;

namespace Crm.Web.Features.Products;

public sealed class DeleteProductPage(DeleteOwnedRecord<Product> delete) : DeleteOwnedRecordPage<Product>(delete, "/products");
