using Crm.Web.Features.Account;

namespace Crm.Web.Features.Audit;

/// <summary>Who is writing, as the audit trail records it.</summary>
public sealed record AuditWho(
    string Kind, Guid? UserId, string Name, string? ApiTokenName, Guid? PreviewedById, string? IpAddress, string? UserAgent, string? RequestId)
{
    public static readonly AuditWho System = new(AuditActorKinds.System, null, "System", null, null, null, null, null);
}

/// <summary>An audit entry noted by code, written by the next save.</summary>
public sealed record AuditNote(string EntityType, string EntityId, string Label, string Action, System.Text.Json.Nodes.JsonObject Changes);

/// <summary>
/// The request context of the audit trail (scoped): read from the current request when a change
/// is saved — the signed-in user or API token, the previewing administrator, IP, user agent and
/// request id. Outside a request (background workers, commands) the writer is "system", unless the
/// job names itself with <see cref="ActAs"/> (e.g. an automation).
/// </summary>
public sealed class AuditContext(IHttpContextAccessor http)
{
    private AuditWho? _explicit;
    private readonly HashSet<object> _restoring = new(ReferenceEqualityComparer.Instance);
    private readonly List<AuditNote> _notes = [];

    /// <summary>
    /// An entry for what the change tracker cannot see (an export): written by the next SaveChanges
    /// in this scope, in the same transaction as whatever that save writes, or not at all.
    /// </summary>
    public void Note(string entityType, string entityId, string label, string action, System.Text.Json.Nodes.JsonObject changes) =>
        _notes.Add(new AuditNote(entityType, entityId, label, action, changes));

    /// <summary>The notes waiting for a save, handed over once.</summary>
    internal List<AuditNote> TakeNotes()
    {
        var taken = _notes.ToList();
        _notes.Clear();
        return taken;
    }

    private List<AuditEntry>? _deferred;

    /// <summary>
    /// Until disposed, the entries a save in the caller's transaction would insert right after it (those of
    /// created rows, whose keys the database generates) wait here instead, built as they would be, and go
    /// in multi-row INSERTs when the caller says (<see cref="AuditCapture.InsertDeferredAsync"/>), before
    /// it commits: one round trip for many rows' entries, in the same transaction (an import; ADR 0053).
    /// </summary>
    public IDisposable DeferInserts()
    {
        _deferred = [];
        return new Deferral(this);
    }

    /// <summary>The entries waiting for <see cref="AuditCapture.InsertDeferredAsync"/>; null when saves insert their own.</summary>
    internal List<AuditEntry>? Deferred => _deferred;

    /// <summary>How many entries wait to be inserted.</summary>
    public int DeferredCount => _deferred?.Count ?? 0;

    private sealed class Deferral(AuditContext context) : IDisposable
    {
        // Entries not inserted by then belong to a run that is rolled back: they go with it.
        public void Dispose() => context._deferred = null;
    }

    /// <summary>The next save inserts this entity as a restore, not a creation.</summary>
    public void MarkRestored(object entity) => _restoring.Add(entity);

    public bool IsRestoring(object entity) => _restoring.Contains(entity);

    /// <summary>Names the writer for the rest of this scope (jobs without a request).</summary>
    public void ActAs(AuditWho who) => _explicit = who;

    public AuditWho Current()
    {
        if (_explicit is not null)
        {
            return _explicit;
        }

        var context = http.HttpContext;
        if (context is null)
        {
            return AuditWho.System;
        }

        var ip = context.Connection.RemoteIpAddress?.ToString();
        var agent = context.Request.Headers.UserAgent.ToString();
        agent = string.IsNullOrEmpty(agent) ? null : agent.Length <= 512 ? agent : agent[..512];
        var requestId = context.TraceIdentifier.Length <= 100 ? context.TraceIdentifier : context.TraceIdentifier[..100];
        var user = context.Features.Get<SignedInUser>();
        if (user is null)
        {
            // Sign-in, password reset links: nobody is signed in yet.
            return new AuditWho(AuditActorKinds.Anonymous, null, "Anonymous", null, null, ip, agent, requestId);
        }

        return new AuditWho(
            user.ApiTokenName is null ? AuditActorKinds.User : AuditActorKinds.ApiToken,
            user.UserId, user.DisplayName, user.ApiTokenName, user.PreviewedBy?.UserId, ip, agent, requestId);
    }
}
