using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Features.Countries;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Companies;

/// <summary>
/// What the company form or an API caller may set, bound straight from either (the API body, named
/// CompanyRequest in the OpenAPI document); anything else in a body (id, createdAt, departmentId) is
/// ignored. A new field is a property here and a flag of the same name in <see cref="CompanyFields"/>.
/// </summary>
[ApiSchemaName("CompanyRequest")]
public sealed class CompanyInput
{
    public static CompanyInput Of(CompanyDetails c) => new()
    {
        Name = c.Name, Website = c.Website, Phone = c.Phone, Email = c.Email, City = c.City, Address = c.Address,
        CountryName = c.CountryName, OwnerId = c.OwnerId, Version = c.Version,
    };

    public string? Name { get; set; }
    public string? Website { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? City { get; set; }
    public string? Address { get; set; }
    public string? CountryName { get; set; }
    [Display(Name = "Owner")] public Guid? OwnerId { get; set; }
    public int? Version { get; set; } // the version read: a save against a newer one is refused
}

/// <summary>Which fields of <see cref="CompanyInput"/> to apply: all of them, or those a PATCH named.</summary>
[Flags]
public enum CompanyFields
{
    None = 0,
    Name = 1,
    Website = 2,
    Phone = 4,
    Email = 8,
    City = 16,
    Address = 32,
    CountryName = 64,
    OwnerId = 128,
    // Every field, also one added later.
    All = ~None,
}

/// <summary>
/// Adds a company (<c>id</c> null; needs create) or changes one (needs edit on it, and the version
/// the caller read: a newer one means someone else saved in between, and the save is refused
/// rather than overwriting their work). A new owner goes through <see cref="TransferCompanies"/>.
/// </summary>
public sealed class SaveCompany(CrmDb db, RecordEditing editing, TransferCompanies transfer, CountryMatcher countries, TimeProvider clock)
    : ISaveRecord<CompanyInput, CompanyFields, CompanyDetails>
{
    private static readonly RecordEditRules<Company> s_rules = new(CrmModules.Companies.Key, "company", "You may not add companies.");

    public async Task<Result<CompanyDetails>> RunAsync(Actor actor, int? id, CompanyInput input, CompanyFields fields, CancellationToken cancellationToken)
    {
        var opened = await editing.OpenAsync(s_rules, actor, id, input.Version, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<CompanyDetails>();
        }

        var company = opened.Value.Record;
        var pick = opened.Value.Picks(fields);

        var name = pick.Text(CompanyFields.Name, input.Name, company?.Name);
        var website = pick.Text(CompanyFields.Website, input.Website, company?.Website);
        var phone = pick.Text(CompanyFields.Phone, input.Phone, company?.Phone);
        var email = pick.Text(CompanyFields.Email, input.Email, company?.Email);
        var city = pick.Text(CompanyFields.City, input.City, company?.City);
        var address = pick.Text(CompanyFields.Address, input.Address, company?.Address);
        var country = pick.Text(CompanyFields.CountryName, input.CountryName, company?.CountryName);
        var owner = pick.Owner(CompanyFields.OwnerId, input.OwnerId, company, actor);

        var errors = new FieldErrors()
            .Text("name", "Name", name, Company.NameMaxLength).PlainText("name", "Name", name)
            .Text("website", "Website", website, CompanyLimits.Website, required: false).PlainText("website", "Website", website)
            .Text("phone", "Phone", phone, CompanyLimits.Phone, required: false).PlainText("phone", "Phone", phone)
            .Text("city", "City", city, CompanyLimits.City, required: false).PlainText("city", "City", city)
            .Text("address", "Address", address, CompanyLimits.Address, required: false).PlainText("address", "Address", address, singleLine: false)
            .Text("countryName", "Country", country, CompanyLimits.Country, required: false).PlainText("countryName", "Country", country);
        if (email is not null)
        {
            errors.Email("email", "Email", email);
        }

        if (website is not null && !IsWebAddress(website))
        {
            errors.Add("website", "Website must be a web address, like example.com or https://example.com.");
        }

        var ownerChanges = await OwnedRecord.CheckOwnerAsync(db, actor, errors, owner, company, cancellationToken);
        if (company is not null && ownerChanges && !errors.Any)
        {
            var check = await transfer.CheckAsync(actor, [company.Id], cancellationToken);
            if (!check.IsOk)
            {
                return check.Outcome == Outcome.Invalid ? Result<CompanyDetails>.Invalid("ownerId", "You may not transfer this company.")
                    : Result<CompanyDetails>.Forbidden(check.Message ?? "You may not transfer this company.");
            }
        }

        if (errors.Any)
        {
            return Result<CompanyDetails>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // Joins the caller's transaction when there is one (the kit's save with custom fields, ADR 0034).
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        // A new owner of an existing company is set by the transfer after the save, which moves its contacts with it.
        company = await OwnedRecord.StampSavedAsync(db, actor, now, company, input.Version, owner!.Value, ownerChanges: false, cancellationToken);

        company.Name = name!;
        company.Website = website;
        company.Phone = phone;
        company.Email = email;
        company.City = city;
        company.Address = address;
        if (pick.Has(CompanyFields.CountryName) && (country != company.CountryName || company.Id == 0))
        {
            // Matched inside the transaction: an unmatched value's notification is only kept if the save is.
            var source = actor.Kind == ActorKind.ApiToken ? CountrySources.Api : CountrySources.User;
            company.CountryId = (await countries.MatchAsync(country, source, cancellationToken))?.Id;
        }

        company.CountryName = country;
        if (!await OwnedRecord.SaveVersionedAsync(db, cancellationToken))
        {
            return Result<CompanyDetails>.Conflict(s_rules.ChangedBySomeoneElse);
        }

        if (ownerChanges && id is not null)
        {
            await transfer.MoveAsync(actor, [company.Id], owner!.Value, cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
        return Result<CompanyDetails>.Ok((await ReadCompany.DetailsAsync(db, company.Id, cancellationToken))!);
    }

    private static bool IsWebAddress(string value)
    {
        var candidate = value.Contains("://", StringComparison.Ordinal) ? value : "https://" + value;
        return Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Contains('.', StringComparison.Ordinal);
    }
}
