using Crm.Web.Data;
using Crm.Web.Features.Scheduler;

namespace Crm.Web.Features.Audit;

/// <summary>
/// The audit check as the CRM runs it: the scheduler's daily <c>verify-audit-chain</c> job and the
/// <c>audit verify</c> command both verify the chain (<see cref="VerifyAuditChain"/>) and record the
/// run and its outcome (<see cref="AuditVerification"/>), so the health dashboard can tell when the
/// trail was last verified and whether it held, without anyone reading the command's output.
/// </summary>
public sealed class CheckAuditChain(CrmDb db, VerifyAuditChain verify, TimeProvider clock) : IRecurringJob
{
    public const string JobName = "verify-audit-chain";
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    public async Task<ChainReport> CheckAsync(CancellationToken cancellationToken)
    {
        var report = await verify.RunAsync(cancellationToken);
        db.Add(new AuditVerification
        {
            Id = Guid.CreateVersion7(),
            RanAt = clock.GetUtcNow().UtcDateTime,
            Intact = report.Intact,
            Checked = report.Checked,
            FirstBrokenId = report.FirstBrokenId,
            Problem = report.Problem is null ? null : AuditNames.Bound(report.Problem, AuditVerification.ProblemMaxLength),
        });
        await db.SaveChangesAsync(cancellationToken);
        return report;
    }

    public Task RunAsync(CancellationToken cancellationToken) => CheckAsync(cancellationToken);
}
