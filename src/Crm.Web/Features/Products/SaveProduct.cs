using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Products;

/// <summary>
/// What the product form or an API caller may set, bound straight from either (the API body, named
/// ProductRequest in the OpenAPI document); anything else in a body (id, createdAt, departmentId) is
/// ignored. A new field is a property here and a flag of the same name in <see cref="ProductFields"/>.
/// </summary>
[ApiSchemaName("ProductRequest")]
public sealed class ProductInput
{
    /// <summary>A new product's form: the default currency, active.</summary>
    public static ProductInput Blank() => new() { Currency = Money.DefaultCurrency, IsActive = true };

    public static ProductInput Of(ProductDetails p) => new()
    {
        Code = p.Code, Name = p.Name, Price = p.Price, Currency = p.Currency, Category = p.Category, IsActive = p.IsActive, OwnerId = p.OwnerId, Version = p.Version,
    };

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
/// unique ignoring case ("ab-1" is "AB-1"); the unique index on the lower-cased code catches a
/// concurrent duplicate the check missed, and that is the same field error, not a 500.
/// </summary>
public sealed class SaveProduct(CrmDb db, RecordEditing editing, TimeProvider clock)
    : ISaveRecord<ProductInput, ProductFields, ProductDetails>
{
    public const string ChangedBySomeoneElse = "This product was changed by someone else after you opened it. Reload it to see their changes, then make yours again.";

    private static readonly RecordEditRules<Product> s_rules = new(CrmModules.Products.Key, "product", "You may not add products.", ChangedBySomeoneElse);

    public async Task<Result<ProductDetails>> RunAsync(Actor actor, int? id, ProductInput input, ProductFields fields, CancellationToken cancellationToken)
    {
        var opened = await editing.OpenAsync(s_rules, actor, id, input.Version, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<ProductDetails>();
        }

        var product = opened.Value.Record;
        fields = product is null ? ProductFields.All : fields;

        string? Pick(ProductFields field, string? given, string? current) => fields.HasFlag(field) ? Clean(given) : current;
        var code = Pick(ProductFields.Code, input.Code, product?.Code);
        var name = Pick(ProductFields.Name, input.Name, product?.Name);
        var category = Pick(ProductFields.Category, input.Category, product?.Category);
        var active = fields.HasFlag(ProductFields.IsActive) ? input.IsActive ?? true : product?.IsActive ?? true;
        var owner = fields.HasFlag(ProductFields.OwnerId) && input.OwnerId is { } given ? given : product?.OwnerId ?? actor.UserId;

        var errors = new FieldErrors()
            .Text("code", "Code", code, Product.CodeMaxLength).PlainText("code", "Code", code)
            .Text("name", "Name", name, Product.NameMaxLength).PlainText("name", "Name", name)
            .Text("category", "Category", category, Product.CategoryMaxLength, required: false).PlainText("category", "Category", category);
        var key = code?.ToLowerInvariant();
        if (key is not null && key != product?.CodeKey && await db.Products.AnyAsync(p => p.CodeKey == key && p.Id != (product == null ? 0 : product.Id), cancellationToken))
        {
            errors.Add("code", $"Another product already has the code '{code}' (codes ignore upper and lower case).");
        }

        var price = product?.Price ?? 0;
        var currency = product?.Currency ?? Money.DefaultCurrency;
        if (fields.HasFlag(ProductFields.Price) || fields.HasFlag(ProductFields.Currency))
        {
            var priceText = fields.HasFlag(ProductFields.Price) ? input.Price : Money.Format(price, currency);
            var currencyText = fields.HasFlag(ProductFields.Currency) ? input.Currency : currency;
            var minor = Money.Check(errors, "price", "currency", "Price", priceText, currencyText);
            if (minor is { } valid && Money.Currency(currencyText) is { } code3)
            {
                price = valid;
                currency = code3;
            }
        }

        var ownerChanges = await OwnedRecord.CheckOwnerAsync(db, actor, errors, owner, product, cancellationToken);

        if (errors.Any)
        {
            return Result<ProductDetails>.Invalid(errors);
        }

        product = await OwnedRecord.StampSavedAsync(db, actor, clock.GetUtcNow().UtcDateTime, product, input.Version, owner!.Value, ownerChanges, cancellationToken);

        product.Code = code!;
        product.CodeKey = key!;
        product.Name = name!;
        product.Price = price;
        product.Currency = currency;
        product.Category = category;
        product.IsActive = active;
        try
        {
            if (!await OwnedRecord.SaveVersionedAsync(db, cancellationToken))
            {
                return Result<ProductDetails>.Conflict(ChangedBySomeoneElse);
            }
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<Product>().Any(e => e.Entity == product))
        {
            // Someone saved the same code between the check and this save: the unique index refused it.
            db.ChangeTracker.Clear();
            if (await db.Products.AsNoTracking().AnyAsync(p => p.CodeKey == key && p.Id != product.Id, cancellationToken))
            {
                return Result<ProductDetails>.Invalid("code", $"Another product already has the code '{code}' (codes ignore upper and lower case).");
            }

            throw;
        }

        return Result<ProductDetails>.Ok(await ReadProduct.DetailsAsync(db, product, cancellationToken));
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
