using Crm.Web.Data;
using Crm.Web.Features.Email;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

public sealed record MailingInput(int? SendingAccountId, string? Subject, string? Body, string? Module, string? FilterField, string? FilterValue);

/// <summary>How many would receive the mailing now, and how many matching addresses opted out.</summary>
public sealed record RecipientPreview(int Recipients, int OptedOut);

/// <summary>
/// Sends a mailing: the mailing row, one outbox message per recipient (through the account the
/// recipient is bound to, else the chosen one, which then binds them) and the new mass-contact
/// bindings are written in one transaction. Recipients are the records the sender may view that
/// match the filter and have an address; each address gets one message; opted-out ones none.
/// </summary>
public sealed class CreateMailing(CrmDb db, MailingRecipients recipients, EmailOutbox outbox, Unsubscribe unsubscribe,
    PublicUrls urls, EmailDelivery delivery, TimeProvider clock)
{
    public const int MaxRecipients = 5000;
    public const string Purpose = "mailing";

    public async Task<Result<RecipientPreview>> PreviewAsync(Actor actor, MailingInput input, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        MailingRecipients.Validate(errors, input.Module, input.FilterField, input.FilterValue);
        if (errors.Any)
        {
            return Result<RecipientPreview>.Invalid(errors);
        }

        var (chosen, optedOut) = await ChooseAsync(actor, input, cancellationToken);
        return Result<RecipientPreview>.Ok(new RecipientPreview(chosen.Count, optedOut));
    }

    public async Task<Result<MailingView>> RunAsync(Actor actor, MailingInput input, HttpContext http, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<MailingView>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        if (actor.UserId is not { } senderId)
        {
            return Result<MailingView>.Forbidden("Only a user sends mailings.");
        }

        var errors = new FieldErrors();
        var account = input.SendingAccountId is { } accountId
            ? await db.SendingAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId && a.UserId == senderId, cancellationToken)
            : null;
        if (account is null)
        {
            errors.Add("sendingAccountId", input.SendingAccountId is null
                ? "Choose the sending account the mailing goes out from (add one under My sending accounts)."
                : "This sending account does not exist or is not yours.");
        }

        errors.Text("subject", "Subject", input.Subject, 200).PlainText("subject", "Subject", input.Subject);
        errors.Text("body", "Body", input.Body, 20000).PlainText("body", "Body", input.Body, singleLine: false);
        var subject = errors.ToDictionary().ContainsKey("subject") ? null : MailingTemplate.Parse(errors, "subject", "Subject", input.Subject!.Trim());
        var body = errors.ToDictionary().ContainsKey("body") ? null : MailingTemplate.Parse(errors, "body", "Body", input.Body!);
        MailingRecipients.Validate(errors, input.Module, input.FilterField, input.FilterValue);
        if (errors.Any)
        {
            return Result<MailingView>.Invalid(errors);
        }

        var (chosen, optedOut) = await ChooseAsync(actor, input, cancellationToken);
        if (chosen.Count == 0)
        {
            return Result<MailingView>.Invalid("module", "No record you can see matches this filter with an email address that has not opted out.");
        }

        if (chosen.Count > MaxRecipients)
        {
            return Result<MailingView>.Invalid("module", $"The filter matches {chosen.Count} addresses; a mailing goes to at most {MaxRecipients}. Narrow the filter.");
        }

        var module = input.Module!;
        var ids = chosen.Select(r => r.RecordId).ToList();
        var bound = await db.MassContacts.AsNoTracking().Where(m => m.Module == module && ids.Contains(m.RecordId))
            .ToDictionaryAsync(m => m.RecordId, m => m.SendingAccountId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mailing = new Mailing
        {
            SenderId = senderId,
            SendingAccountId = account!.Id,
            Subject = input.Subject!.Trim(),
            Body = input.Body!,
            Module = module,
            FilterField = string.IsNullOrWhiteSpace(input.FilterField) ? null : input.FilterField,
            FilterValue = string.IsNullOrWhiteSpace(input.FilterField) ? null : input.FilterValue!.Trim(),
            Recipients = chosen.Count,
            SkippedOptedOut = optedOut,
            CreatedAt = now,
        };
        db.Mailings.Add(mailing);
        await db.SaveChangesAsync(cancellationToken);

        foreach (var recipient in chosen)
        {
            // Sticky: a recipient bound before keeps its account, whoever sends now.
            if (!bound.TryGetValue(recipient.RecordId, out var through))
            {
                through = account.Id;
                db.MassContacts.Add(new MassContact { Module = module, RecordId = recipient.RecordId, SendingAccountId = through, CreatedAt = now });
            }

            var values = MailingTemplate.Values(recipient);
            var link = urls.Absolute(http, "/unsubscribe", ("token", unsubscribe.TokenFor(recipient.Email)));
            var text = body!.Render(values).TrimEnd() + $"\n\n--\nTo stop receiving these emails, unsubscribe: {link}\n";
            var rendered = subject!.Render(values);
            var message = outbox.Queue(recipient.Email.Trim(), rendered.Length <= 300 ? rendered : rendered[..300], text, Purpose);
            message.SendingAccountId = through;
            message.MailingId = mailing.Id;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        delivery.Wake();
        return Result<MailingView>.Ok(new MailingView(mailing.Id, mailing.Subject, mailing.Body, mailing.Module, mailing.FilterField, mailing.FilterValue,
            account.Id, account.Name, mailing.Recipients, mailing.SkippedOptedOut, mailing.CreatedAt, new MailingCounts(chosen.Count, 0, 0, 0)));
    }

    /// <summary>The recipients, one per address (the lowest record ID wins), without the opted-out addresses.</summary>
    private async Task<(List<MailingRecipient> Chosen, int OptedOut)> ChooseAsync(Actor actor, MailingInput input, CancellationToken cancellationToken)
    {
        var query = await recipients.QueryAsync(actor, input.Module!, input.FilterField, input.FilterValue, cancellationToken);
        // One more than the cap is enough to say "too many" without loading a whole table.
        var found = await query.Take(MaxRecipients * 2 + 1).ToListAsync(cancellationToken);
        var unique = found.GroupBy(r => Unsubscribe.Normalise(r.Email)).Select(g => g.First()).ToList();
        var addresses = unique.Select(r => Unsubscribe.Normalise(r.Email)).ToList();
        // An erased person's opt-out is kept as the hash of the address (GDPR erasure): both forms count.
        var forms = addresses.SelectMany(MailingOptOut.Forms).ToList();
        var stored = (await db.MailingOptOuts.AsNoTracking().Where(o => forms.Contains(o.Email)).Select(o => o.Email).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var optedOut = addresses.Where(a => MailingOptOut.Forms(a).Any(stored.Contains)).ToHashSet(StringComparer.Ordinal);
        return ([.. unique.Where(r => !optedOut.Contains(Unsubscribe.Normalise(r.Email)))], optedOut.Count);
    }
}
