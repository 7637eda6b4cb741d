using Crm.Web.Data;
using Crm.Web.Features.Health;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Email;

/// <summary>The seed's "email queue": messages blocked after every retry failed (an SMTP problem above 10).</summary>
public sealed class EmailQueueHealth(CrmDb db) : IHealthIndicator
{
    public const string Key = "email-blocked";

    public HealthIndicatorDefinition Definition { get; } = new(Key, "Email queue blocked",
        "Messages the CRM gave up sending after every retry failed. Many at once mean an SMTP problem: check the settings and send a test email.",
        "/admin/email-queue", "messages", HealthDirection.HigherIsWorse, 0, 10, 0, 1_000_000) { Order = 20 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var blocked = await db.OutgoingEmails.CountAsync(e => e.Status == EmailStatus.Blocked, cancellationToken);
        return new HealthFigure(blocked, blocked switch
        {
            0 => "No blocked message",
            1 => "1 blocked message",
            _ => $"{blocked} blocked messages",
        });
    }
}
