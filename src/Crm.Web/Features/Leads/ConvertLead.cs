using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Deals;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Leads;

/// <summary>
/// How to convert: link an existing company (<paramref name="ExistingCompanyId"/>) or create one from
/// the lead's company name (null), and optionally create a deal.
/// </summary>
public sealed record LeadConversionInput(int? ExistingCompanyId, bool CreateDeal, string? DealTitle, string? DealAmount, string? DealCurrency, int? Version);

public sealed record LeadConversion(int LeadId, int ContactId, int CompanyId, bool CompanyCreated, int? DealId);

/// <summary>
/// Turns a lead into a contact, a company (new or existing) and optionally a deal, all in one
/// transaction: either everything is created and the lead becomes "converted" with links to them,
/// or nothing changes. Needs edit on the lead and create on each module it creates records in;
/// an existing company must be one the actor may view. A converted lead is never converted again.
/// </summary>
public sealed class ConvertLead(CrmDb db, RecordAccess access, ActivityLog activity, TimeProvider clock)
{
    public const string ActivityKind = "lead-converted";

    public async Task<Result<LeadConversion>> RunAsync(Actor actor, int id, LeadConversionInput input, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<LeadConversion>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null)
        {
            return Result<LeadConversion>.NotFound();
        }

        var module = CrmModules.Leads.Key;
        var facts = await access.FactsAsync(module, lead.Id, lead.OwnerId, lead.DepartmentId, cancellationToken);
        if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
        {
            return Result<LeadConversion>.NotFound();
        }

        if (!(await access.DecideAsync(actor, module, PermissionAction.Edit, facts, cancellationToken)).Allowed)
        {
            return Result<LeadConversion>.Forbidden($"You may not convert lead {id}: converting changes the lead, which needs the edit permission on it.");
        }

        if (lead.Status == LeadStatuses.Converted)
        {
            return Result<LeadConversion>.Conflict(SaveLead.AlreadyConverted(id));
        }

        var needed = new List<(string Module, string Name)> { (CrmModules.Contacts.Key, "contacts") };
        if (input.ExistingCompanyId is null)
        {
            needed.Add((CrmModules.Companies.Key, "companies"));
        }

        if (input.CreateDeal)
        {
            needed.Add((CrmModules.Deals.Key, "deals"));
        }

        var missing = new List<string>();
        foreach (var (neededModule, name) in needed)
        {
            if (!(await access.DecideAsync(actor, neededModule, PermissionAction.Create, null, cancellationToken)).Allowed)
            {
                missing.Add(name);
            }
        }

        if (missing.Count > 0)
        {
            return Result<LeadConversion>.Forbidden(
                $"Converting this lead would add {string.Join(" and ", missing)}, which your role may not add. Nothing was created.");
        }

        if (input.Version is null)
        {
            return Result<LeadConversion>.Invalid("version", "The version you read is required, so that nobody's changes are overwritten.");
        }

        if (input.Version != lead.Version)
        {
            return Result<LeadConversion>.Conflict(RecordEditRules.ChangedBySomeoneElse("lead"));
        }

        var errors = new FieldErrors();
        if (input.ExistingCompanyId is { } companyId)
        {
            var visible = await access.VisibleAsync<Company>(actor, CrmModules.Companies.Key, cancellationToken);
            if (!await db.Companies.Where(visible).AnyAsync(c => c.Id == companyId, cancellationToken))
            {
                errors.Add("existingCompanyId", $"Company ID {companyId} does not exist or is not visible to you.");
            }
        }
        else if (string.IsNullOrWhiteSpace(lead.CompanyName))
        {
            errors.Add("existingCompanyId", "The lead has no company name to create a company from: choose an existing company, or add the company name to the lead first.");
        }

        var dealTitle = string.IsNullOrWhiteSpace(input.DealTitle) ? null : input.DealTitle.Trim();
        long amount = 0;
        var currency = Money.DefaultCurrency;
        if (input.CreateDeal)
        {
            errors.Text("dealTitle", "Deal title", dealTitle, Deal.TitleMaxLength).PlainText("dealTitle", "Deal title", dealTitle);
            var minor = Money.Check(errors, "dealAmount", "dealCurrency", "Deal amount", input.DealAmount, input.DealCurrency);
            var fieldRules = await access.FieldsAsync(actor, CrmModules.Deals.Key, cancellationToken);
            if (minor is { } valid && Money.Currency(input.DealCurrency) is { } code)
            {
                if (!fieldRules.CanEdit(ReadDeal.AmountField) && valid != 0)
                {
                    errors.Add("dealAmount", SaveDeal.AmountLocked);
                }

                amount = valid;
                currency = code;
            }
        }

        if (errors.Any)
        {
            return Result<LeadConversion>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var owner = actor.UserId!.Value;
        var department = await Owners.DepartmentOfAsync(db, owner, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var company = input.ExistingCompanyId is { } existing ? null : new Company { Name = lead.CompanyName!.Trim(), OwnerId = owner, DepartmentId = department };
            if (company is not null)
            {
                company.StampCreated(actor, now);
                db.Companies.Add(company);
                await db.SaveChangesAsync(cancellationToken);
            }

            var linkedCompany = company?.Id ?? input.ExistingCompanyId!.Value;
            var contact = new Contact
            {
                FirstName = lead.FirstName, LastName = lead.LastName, Email = lead.Email, Phone = lead.Phone,
                CompanyId = linkedCompany, OwnerId = owner, DepartmentId = department,
            };
            contact.StampCreated(actor, now);
            db.Contacts.Add(contact);
            await db.SaveChangesAsync(cancellationToken);

            Deal? deal = null;
            if (input.CreateDeal)
            {
                deal = new Deal
                {
                    Title = dealTitle!, CompanyId = linkedCompany, ContactId = contact.Id, Stage = DealStages.New, Amount = amount, Currency = currency,
                    OwnerId = owner, DepartmentId = department,
                };
                deal.StampCreated(actor, now);
                db.Deals.Add(deal);
                await db.SaveChangesAsync(cancellationToken);
            }

            lead.StampModified(db, actor, now, input.Version.Value);
            lead.Status = LeadStatuses.Converted;
            lead.ConvertedAt = now;
            lead.ConvertedContactId = contact.Id;
            lead.ConvertedCompanyId = linkedCompany;
            lead.ConvertedDealId = deal?.Id;
            activity.Record(actor, ActivityKind,
                $"Converted lead ID {lead.Id} into contact ID {contact.Id}, {(company is null ? "existing" : "new")} company ID {linkedCompany}" +
                (deal is null ? "." : $" and deal ID {deal.Id}."));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Result<LeadConversion>.Ok(new LeadConversion(lead.Id, contact.Id, linkedCompany, company is not null, deal?.Id));
        }
        catch (DbUpdateConcurrencyException)
        {
            // The transaction is rolled back when disposed: the records added above are gone too.
            db.ChangeTracker.Clear();
            return Result<LeadConversion>.Conflict(RecordEditRules.ChangedBySomeoneElse("lead"));
        }
    }
}
