using Crm.Web.Data;
using Crm.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Email.Templates;

/// <summary>
/// Queues an email written from a template, in the recipient's language (else the organisation's
/// default), with the company name from the settings. Like <see cref="EmailOutbox.Queue"/> it only
/// adds the message to the caller's unit of work.
/// </summary>
public sealed class TemplatedEmails(CrmDb db, EmailOutbox outbox, EmailTemplates templates)
{
    public async Task<OutgoingEmail> QueueAsync(string email, string to, string? language, IReadOnlyDictionary<string, string> values, string purpose,
        CancellationToken cancellationToken)
    {
        var organisation = await db.InstanceSettings.AsNoTracking().Where(s => s.Id == InstanceSettings.TheId)
            .Select(s => new { s.CompanyName, s.DefaultLanguage }).FirstOrDefaultAsync(cancellationToken);
        var chosen = language is not null && EmailTemplates.Languages.Contains(language) ? language : organisation?.DefaultLanguage;
        var all = new Dictionary<string, string>(values, StringComparer.Ordinal)
        {
            ["company"] = string.IsNullOrWhiteSpace(organisation?.CompanyName) ? (chosen == "de" ? "Ihrer Organisation" : "your organisation") : organisation.CompanyName,
        };
        var rendered = templates.Render(email, chosen, all);
        return outbox.Queue(to, rendered.Subject, rendered.Text, purpose, rendered.Html);
    }
}
