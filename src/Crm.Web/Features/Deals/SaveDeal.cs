using Crm.Web.Data;
using Crm.Web.Features.Contacts;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Deals;

/// <summary>A deal as a form or the API gives it; the amount is text ("1234.50") read with the invariant culture.</summary>
/// <remarks>Also the API's body (named DealRequest in the OpenAPI document): what a caller may set; anything else in the body (id, createdAt, departmentId) is ignored.</remarks>
[ApiSchemaName("DealRequest")]
public sealed record DealInput(
    string? Title, int? CompanyId, int? ContactId, string? Stage, string? Amount, string? Currency, int? Probability,
    DateOnly? ExpectedClose, string? ClosingReason, Guid? OwnerId, int? Version);

[Flags]
public enum DealFields
{
    None = 0,
    Title = 1,
    Company = 2,
    Contact = 4,
    Stage = 8,
    Amount = 16,
    Currency = 32,
    Probability = 64,
    ExpectedClose = 128,
    ClosingReason = 256,
    Owner = 512,
    All = Title | Company | Contact | Stage | Amount | Currency | Probability | ExpectedClose | ClosingReason | Owner,
}

/// <summary>
/// Adds a deal (needs create) or changes one (needs edit on it and the version read). The company
/// and contact must be visible to the actor, and the contact must work for that company; a won or
/// lost deal needs its reason. The amount is refused with a field error when the role makes it
/// read-only or hidden (sending the unchanged value is fine).
/// </summary>
public sealed class SaveDeal(CrmDb db, RecordAccess access, RecordLookups lookups, RecordEditing editing, TimeProvider clock)
{
    public const string ChangedBySomeoneElse = "This deal was changed by someone else after you opened it. Reload it to see their changes, then make yours again.";
    public const string AmountLocked = "Your role may not change the amount of a deal.";

    private static readonly RecordEditRules<Deal> s_rules = new(CrmModules.Deals.Key, "deal", "You may not add deals.", ChangedBySomeoneElse);

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
        var companyId = Has(DealFields.Company) ? input.CompanyId : deal?.CompanyId;
        var contactId = Has(DealFields.Contact) ? input.ContactId : deal?.ContactId;
        var stage = Pick(DealFields.Stage, input.Stage, deal?.Stage)?.ToLowerInvariant() ?? DealStages.New;
        var probability = Has(DealFields.Probability) ? input.Probability ?? 0 : deal?.Probability ?? 0;
        var close = Has(DealFields.ExpectedClose) ? input.ExpectedClose : deal?.ExpectedClose;
        var reason = Pick(DealFields.ClosingReason, input.ClosingReason, deal?.ClosingReason);
        var owner = Has(DealFields.Owner) && input.OwnerId is { } given ? given : deal?.OwnerId ?? actor.UserId;

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

        if (Has(DealFields.Company))
        {
            var company = await lookups.ChooseAsync(actor, CrmModules.Companies.Key, input.CompanyId, deal?.CompanyId, cancellationToken);
            companyId = company.Id;
            if (company.Refused)
            {
                errors.Add("companyId", $"Company ID {input.CompanyId} does not exist or is not visible to you.");
            }
        }

        var contactRefused = false;
        if (Has(DealFields.Contact))
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
            return Result<DealDetails>.Conflict(ChangedBySomeoneElse);
        }

        var seeAmount = (await access.FieldsAsync(actor, module, cancellationToken)).CanSee(ReadDeal.AmountField);
        return Result<DealDetails>.Ok(await ReadDeal.DetailsAsync(db, access, actor, deal, seeAmount, cancellationToken));
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
