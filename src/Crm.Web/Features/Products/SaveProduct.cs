using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Products;

/// <summary>
/// What the product form or an API caller may set, bound straight from either (the API body, named
/// ProductRequest in the OpenAPI document); anything else in a body (id, createdAt, departmentId) is
/// ignored. A new field is a property here, a flag of the same name in <see cref="ProductFields"/>, and
/// the property of that name in <see cref="ProductDetails"/> fills the edit form.
/// </summary>
[ApiSchemaName("ProductRequest")]
public sealed class ProductInput
{
    /// <summary>A new product's form: the default currency, active.</summary>
    public static ProductInput Blank() => new() { Currency = Money.DefaultCurrency, IsActive = true };

    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? Price { get; set; }
    public string? Currency { get; set; }
    public string? Category { get; set; }
    [Display(Name = "Active")] public bool? IsActive { get; set; }
    [Display(Name = "Owner")] public Guid? OwnerId { get; set; }
    public int? Version { get; set; } // the version read: a save against a newer one is refused
}

[Flags]
public enum ProductFields
{
    None = 0,
    Code = 1,
    Name = 2,
    Price = 4,
    Currency = 8,
    Category = 16,
    IsActive = 32,
    OwnerId = 64,
    // Every field, also one added later.
    All = ~None,
}

/// <summary>
/// Adds a product (needs create) or changes one (needs edit and the version read). The code is
/// unique ignoring case ("ab-1" is "AB-1"), on every database through the lower-cased key column.
/// </summary>
public sealed class SaveProduct(CrmDb db, RecordEditing editing, TimeProvider clock)
    : ISaveRecord<ProductInput, ProductFields, ProductDetails>
{
    private static readonly RecordEditRules<Product> s_rules = new(CrmModules.Products.Key, "product", "You may not add products.");

    private static readonly UniqueField<Product> s_code = new("code", p => p.CodeKey, code => $"Another product already has the code '{code}' (codes ignore upper and lower case).");

    public async Task<Result<ProductDetails>> RunAsync(Actor actor, int? id, ProductInput input, ProductFields fields, CancellationToken cancellationToken)
    {
        var opened = await editing.OpenAsync(s_rules, actor, id, input.Version, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<ProductDetails>();
        }

        var product = opened.Value.Record;
        var pick = opened.Value.Picks(fields);
        var code = pick.Text(ProductFields.Code, input.Code, product?.Code);
        var name = pick.Text(ProductFields.Name, input.Name, product?.Name);
        var category = pick.Text(ProductFields.Category, input.Category, product?.Category);
        var active = pick.Value(ProductFields.IsActive, input.IsActive ?? true, product?.IsActive ?? true);
        var owner = pick.Owner(ProductFields.OwnerId, input.OwnerId, product, actor);

        var errors = new FieldErrors()
            .Text("code", "Code", code, Product.CodeMaxLength).PlainText("code", "Code", code)
            .Text("name", "Name", name, Product.NameMaxLength).PlainText("name", "Name", name)
            .Text("category", "Category", category, Product.CategoryMaxLength, required: false).PlainText("category", "Category", category);
        var key = code?.ToLowerInvariant();
        await s_code.CheckAsync(db, errors, key == product?.CodeKey ? null : key, code, product, cancellationToken);
        var (price, currency) = Money.Pick(errors, "price", "currency", "Price",
            (pick.Has(ProductFields.Price), input.Price), (pick.Has(ProductFields.Currency), input.Currency), product?.Price ?? 0, product?.Currency);
        var ownerChanges = await OwnedRecord.CheckOwnerAsync(db, actor, errors, owner, product, cancellationToken);
        if (errors.Any)
        {
            return Result<ProductDetails>.Invalid(errors);
        }

        product = await OwnedRecord.StampSavedAsync(db, actor, clock.GetUtcNow().UtcDateTime, product, input.Version, owner!.Value, ownerChanges, cancellationToken);
        (product.Code, product.CodeKey, product.Name, product.Price, product.Currency, product.Category, product.IsActive) = (code!, key!, name!, price, currency, category, active);
        return await s_code.SaveAsync<ProductDetails>(db, product, key!, code!, s_rules.ChangedBySomeoneElse, cancellationToken)
            ?? Result<ProductDetails>.Ok(await ReadProduct.DetailsAsync(db, product, cancellationToken));
    }
}
