using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Features.Contacts;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Deals;

/// <summary>
/// A deal as its form or the API gives it, bound straight from either; the amount is text
/// ("1234.50") read with the invariant culture. Also the API's body (named DealRequest in the
/// OpenAPI document): what a caller may set; anything else in the body (id, createdAt,
/// departmentId) is ignored. A new field is a property here and a flag of the same name in <see cref="DealFields"/>.
/// </summary>
[ApiSchemaName("DealRequest")]
public sealed class DealInput
{
    public static DealInput Of(DealDetails d) => new()
    {
        Title = d.Title, CompanyId = d.CompanyId, ContactId = d.ContactId, Stage = d.Stage, Amount = d.Amount, Currency = d.Currency,
        Probability = d.Probability, ExpectedClose = d.ExpectedClose, ClosingReason = d.ClosingReason, OwnerId = d.OwnerId, Version = d.Version,
    };

    public string? Title { get; set; }
    [Display(Name = "Company"), ModelBinder(typeof(RecordIdBinder))] public int? CompanyId { get; set; }
    [Display(Name = "Contact"), ModelBinder(typeof(RecordIdBinder))] public int? ContactId { get; set; }
    public string? Stage { get; set; }
    public string? Amount { get; set; }
    public string? Currency { get; set; }
    [Display(Name = "Probability")] public int? Probability { get; set; }
    [Display(Name = "Expected close")] public DateOnly? ExpectedClose { get; set; }
    public string? ClosingReason { get; set; }
    [Display(Name = "Owner")] public Guid? OwnerId { get; set; }
    public int? Version { get; set; } // the version read: a save against a newer one is refused
}

[Flags]
public enum DealFields
{
    None = 0,
    Title = 1,
    CompanyId = 2,
    ContactId = 4,
    Stage = 8,
    Amount = 16,
    Currency = 32,
    Probability = 64,
    ExpectedClose = 128,
    ClosingReason = 256,
    OwnerId = 512,
    // Every field, also one added later.
    All = ~None,
}

/// <summary>
/// Adds a deal (needs create) or changes one (needs edit on it and the version read). The company
/// and contact must be visible to the actor, and the contact must work for that company; a won or
/// lost deal needs its reason. The amount is refused with a field error when the role makes it
/// read-only or hidden (sending the unchanged value is fine).
/// </summary>
public sealed class SaveDeal(CrmDb db, RecordAccess access, RecordLookups lookups, RecordEditing editing, TimeProvider clock)
    : ISaveRecord<DealInput, DealFields, DealDetails>
{
    public const string AmountLocked = "Your role may not change the amount of a deal.";

    private static readonly RecordEditRules<Deal> s_rules = new(CrmModules.Deals.Key, "deal", "You may not add deals.");

    public async Task<Result<DealDetails>> RunAsync(Actor actor, int? id, DealInput input, DealFields fields, CancellationToken cancellationToken)
    {
        var module = CrmModules.Deals.Key;
        var opened = await editing.OpenAsync(s_rules, actor, id, input.Version, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<DealDetails>();
        }

        var deal = opened.Value.Record;

        var creating = deal is null;
        bool Has(DealFields field) => creating ? (field is not (DealFields.Amount or DealFields.Currency) || fields.HasFlag(field)) : fields.HasFlag(field);
        string? Pick(DealFields field, string? given, string? current) => Has(field) ? Clean(given) : current;
        var title = Pick(DealFields.Title, input.Title, deal?.Title);
        var companyId = Has(DealFields.CompanyId) ? input.CompanyId : deal?.CompanyId;
        var contactId = Has(DealFields.ContactId) ? input.ContactId : deal?.ContactId;
        var stage = Pick(DealFields.Stage, input.Stage, deal?.Stage)?.ToLowerInvariant() ?? DealStages.New;
        var probability = Has(DealFields.Probability) ? input.Probability ?? 0 : deal?.Probability ?? 0;
        var close = Has(DealFields.ExpectedClose) ? input.ExpectedClose : deal?.ExpectedClose;
        var reason = Pick(DealFields.ClosingReason, input.ClosingReason, deal?.ClosingReason);
        var owner = Has(DealFields.OwnerId) && input.OwnerId is { } given ? given : deal?.OwnerId ?? actor.UserId;

        var errors = new FieldErrors()
            .Text("title", "Title", title, Deal.TitleMaxLength).PlainText("title", "Title", title)
            .Text("closingReason", "Closing reason", reason, Deal.ReasonMaxLength, required: false).PlainText("closingReason", "Closing reason", reason, singleLine: false);
        if (!DealStages.All.Contains(stage))
        {
            errors.Add("stage", $"Stage must be one of: {string.Join(", ", DealStages.All)}.");
        }
        else if (DealStages.IsClosed(stage) && reason is null)
        {
            errors.Add("closingReason", $"Say why the deal was {stage}: a closing reason is required when the stage is won or lost.");
        }

        if (probability is < 0 or > 100)
        {
            errors.Add("probability", "Probability must be a whole number from 0 to 100.");
        }

        // Money: the current values unless the caller sent new ones; both are checked together,
        // because a currency with fewer decimals can make the kept amount invalid.
        var currentAmount = deal?.Amount ?? 0;
        var currentCurrency = deal?.Currency ?? Money.DefaultCurrency;
        var amount = currentAmount;
        var currency = currentCurrency;
        if (Has(DealFields.Amount) || Has(DealFields.Currency))
        {
            var amountText = Has(DealFields.Amount) ? input.Amount : Money.Format(currentAmount, currentCurrency);
            var currencyText = Has(DealFields.Currency) ? input.Currency : currentCurrency;
            var checkedErrors = new FieldErrors();
            var minor = Money.Check(checkedErrors, "amount", "currency", "Amount", amountText, currencyText);
            var fieldRules = await access.FieldsAsync(actor, module, cancellationToken);
            var code = Money.Currency(currencyText);
            if (!fieldRules.CanEdit(ReadDeal.AmountField) && (minor != currentAmount || code != currentCurrency))
            {
                errors.Add("amount", AmountLocked);
            }
            else if (checkedErrors.Any)
            {
                foreach (var (field, messages) in checkedErrors.ToDictionary())
                {
                    foreach (var message in messages)
                    {
                        errors.Add(field, message);
                    }
                }
            }
            else
            {
                amount = minor!.Value;
                currency = code!;
            }
        }

        if (Has(DealFields.CompanyId))
        {
            var company = await lookups.ChooseAsync(actor, CrmModules.Companies.Key, input.CompanyId, deal?.CompanyId, cancellationToken);
            companyId = company.Id;
            if (company.Refused)
            {
                errors.Add("companyId", $"Company ID {input.CompanyId} does not exist or is not visible to you.");
            }
        }

        var contactRefused = false;
        if (Has(DealFields.ContactId))
        {
            var contact = await lookups.ChooseAsync(actor, CrmModules.Contacts.Key, input.ContactId, deal?.ContactId, cancellationToken);
            contactId = contact.Id;
            contactRefused = contact.Refused;
            if (contact.Refused)
            {
                errors.Add("contactId", $"Contact ID {input.ContactId} does not exist or is not visible to you.");
            }
        }

        if (contactId is { } linkedContact && companyId is { } linkedCompany && !contactRefused)
        {
            // A contact the actor may not view (kept as it was) is not compared: its company is not theirs to learn.
            var visible = await access.VisibleAsync<Contact>(actor, CrmModules.Contacts.Key, cancellationToken);
            var contact = await db.Contacts.Where(visible).Where(c => c.Id == linkedContact).Select(c => new { c.CompanyId }).FirstOrDefaultAsync(cancellationToken);
            if (contact is not null && contact.CompanyId != linkedCompany)
            {
                errors.Add("contactId", $"Contact ID {linkedContact} does not work for company ID {linkedCompany}. Choose a contact of that company, or no contact.");
            }
        }

        var ownerChanges = await OwnedRecord.CheckOwnerAsync(db, actor, errors, owner, deal, cancellationToken);

        if (errors.Any)
        {
            return Result<DealDetails>.Invalid(errors);
        }

        deal = await OwnedRecord.StampSavedAsync(db, actor, clock.GetUtcNow().UtcDateTime, deal, input.Version, owner!.Value, ownerChanges, cancellationToken);

        deal.Title = title!;
        deal.CompanyId = companyId;
        deal.ContactId = contactId;
        deal.Stage = stage;
        deal.Amount = amount;
        deal.Currency = currency;
        deal.Probability = probability;
        deal.ExpectedClose = close;
        deal.ClosingReason = reason;
        if (!await OwnedRecord.SaveVersionedAsync(db, cancellationToken))
        {
            return Result<DealDetails>.Conflict(s_rules.ChangedBySomeoneElse);
        }

        var seeAmount = (await access.FieldsAsync(actor, module, cancellationToken)).CanSee(ReadDeal.AmountField);
        return Result<DealDetails>.Ok(await ReadDeal.DetailsAsync(db, access, actor, deal, seeAmount, cancellationToken));
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
