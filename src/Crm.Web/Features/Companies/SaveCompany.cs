using Crm.Web.Features.Records;
using Crm.Web.Data;
using Crm.Web.Features.Countries;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Companies;

public sealed record CompanyInput(
    string? Name, string? Website, string? Phone, string? Email, string? City, string? Address, string? CountryName,
    Guid? OwnerId, int? Version);

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
    Country = 64,
    Owner = 128,
    All = Name | Website | Phone | Email | City | Address | Country | Owner,
}

/// <summary>
/// Adds a company (<c>id</c> null; needs create) or changes one (needs edit on it, and the version
/// the caller read: a newer one means someone else saved in between, and the save is refused
/// rather than overwriting their work). A new owner goes through <see cref="TransferCompanies"/>.
/// </summary>
public sealed class SaveCompany(CrmDb db, RecordAccess access, TransferCompanies transfer, CountryMatcher countries, TimeProvider clock)
{
    public const string ChangedBySomeoneElse = "This company was changed by someone else after you opened it. Reload it to see their changes, then make yours again.";

    public async Task<Result<CompanyDetails>> RunAsync(Actor actor, int? id, CompanyInput input, CompanyFields fields, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<CompanyDetails>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        var module = CrmModules.Companies.Key;
        Company? company = null;
        if (id is { } existing)
        {
            company = await db.Companies.FirstOrDefaultAsync(c => c.Id == existing, cancellationToken);
            if (company is null)
            {
                return Result<CompanyDetails>.NotFound();
            }

            var facts = await access.FactsAsync(module, company.Id, company.OwnerId, company.DepartmentId, cancellationToken);
            if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
            {
                return Result<CompanyDetails>.NotFound();
            }

            if (!(await access.DecideAsync(actor, module, PermissionAction.Edit, facts, cancellationToken)).Allowed)
            {
                return Result<CompanyDetails>.Forbidden($"You may not edit company {company.Id}.");
            }

            if (input.Version is null)
            {
                return Result<CompanyDetails>.Invalid("version", "The version you read is required, so that nobody's changes are overwritten.");
            }

            if (input.Version != company.Version)
            {
                return Result<CompanyDetails>.Conflict(ChangedBySomeoneElse);
            }
        }
        else
        {
            fields = CompanyFields.All;
            if (!(await access.DecideAsync(actor, module, PermissionAction.Create, null, cancellationToken)).Allowed)
            {
                return Result<CompanyDetails>.Forbidden("You may not add companies.");
            }
        }

        string? Pick(CompanyFields field, string? given, string? current) => fields.HasFlag(field) ? Clean(given) : current;
        var name = Pick(CompanyFields.Name, input.Name, company?.Name);
        var website = Pick(CompanyFields.Website, input.Website, company?.Website);
        var phone = Pick(CompanyFields.Phone, input.Phone, company?.Phone);
        var email = Pick(CompanyFields.Email, input.Email, company?.Email);
        var city = Pick(CompanyFields.City, input.City, company?.City);
        var address = Pick(CompanyFields.Address, input.Address, company?.Address);
        var country = Pick(CompanyFields.Country, input.CountryName, company?.CountryName);
        var owner = fields.HasFlag(CompanyFields.Owner) && input.OwnerId is { } given ? given : company?.OwnerId ?? actor.UserId;

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

        if (owner is null)
        {
            errors.Add("ownerId", "Choose the owner.");
        }

        var ownerChanges = owner is { } o && o != (company?.OwnerId ?? actor.UserId);
        if (owner is { } newOwner && (ownerChanges || company is null) && await Owners.ReceiverProblemAsync(db, actor, newOwner, cancellationToken) is { } problem)
        {
            errors.Add("ownerId", problem);
        }

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
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (company is null)
        {
            company = new Company
            {
                OwnerId = owner!.Value,
                DepartmentId = await Owners.DepartmentOfAsync(db, owner.Value, cancellationToken),
            };
            company.StampCreated(actor, now);
            db.Companies.Add(company);
        }
        else
        {
            company.StampModified(db, actor, now, input.Version!.Value);
        }

        company.Name = name!;
        company.Website = website;
        company.Phone = phone;
        company.Email = email;
        company.City = city;
        company.Address = address;
        if (fields.HasFlag(CompanyFields.Country) && (country != company.CountryName || company.Id == 0))
        {
            // Matched inside the transaction: an unmatched value's notification is only kept if the save is.
            var source = actor.Kind == ActorKind.ApiToken ? CountrySources.Api : CountrySources.User;
            company.CountryId = (await countries.MatchAsync(country, source, cancellationToken))?.Id;
        }

        company.CountryName = country;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<CompanyDetails>.Conflict(ChangedBySomeoneElse);
        }

        if (ownerChanges && id is not null)
        {
            await transfer.MoveAsync(actor, [company.Id], owner!.Value, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return Result<CompanyDetails>.Ok((await ReadCompany.DetailsAsync(db, company.Id, cancellationToken))!);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsWebAddress(string value)
    {
        var candidate = value.Contains("://", StringComparison.Ordinal) ? value : "https://" + value;
        return Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Contains('.', StringComparison.Ordinal);
    }
}
