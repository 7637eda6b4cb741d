using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Audit;

/// <summary>
/// An entry the current transaction may redact (ADR 0036): the trail's UPDATE guard lets exactly
/// one kind of change through for a listed entry (new changes carrying <see cref="AuditChain.RedactedMarker"/>
/// and a new label, every other column as it was). Only <see cref="TrailRedaction"/> writes it, and it
/// removes its rows before its transaction ends (on PostgreSQL a deferred trigger refuses to commit one).
/// </summary>
public sealed class AuditRedactionGuard
{
    public long EntryId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AuditRedactionGuard>
    {
        public void Configure(EntityTypeBuilder<AuditRedactionGuard> builder)
        {
            builder.ToTable("AuditRedactionGuard");
            builder.HasKey(g => g.EntryId);
            builder.Property(g => g.EntryId).ValueGeneratedNever();
        }
    }
}

/// <summary>One entry's redaction: its new changes (already marked) and its new label.</summary>
public sealed record TrailRewrite(AuditEntry Entry, string Changes, string Label);

/// <summary>
/// Redacts values in the trail without breaking the chain (ADR 0006, ADR 0036). The changes are
/// covered by the chain only through their digest, so replacing them is reported as a redaction,
/// not a break. The label is covered by the seal's hash itself; an entry whose label is rewritten
/// after its seal therefore no longer matches its hash, and the verifier accepts it only when a
/// vouching entry (<see cref="VouchingAction"/>, intact itself and checked by the walk) records the
/// digest of the entry exactly as redacted (<see cref="RedactedDigest"/>).
/// </summary>
public static class TrailRedaction
{
    /// <summary>What erased values are replaced by, in records and in the trail.</summary>
    public const string Erased = "[DELETED]";

    /// <summary>The action of the entry that vouches for the redactions it made.</summary>
    public const string VouchingAction = "erased";

    /// <summary>The field of the vouching entry's changes that maps each redacted entry's id to its <see cref="RedactedDigest"/>.</summary>
    public const string VouchedField = "redactedEntries";

    /// <summary>The digest of every field of <paramref name="e"/> as it is stored after redaction (the seal's formula without a previous hash or place).</summary>
    public static string RedactedDigest(AuditEntry e) => AuditChain.HashOf("", 0, e);

    /// <summary>
    /// Rewrites the entries in the caller's transaction (which must commit them with the rest of the
    /// erasure) and returns, per entry id, the digest its vouching entry must record. Takes the chain
    /// lock first and seals what is committed, so no entry is sealed while it is being rewritten.
    /// </summary>
    public static async Task<Dictionary<long, string>> ApplyAsync(CrmDb db, IReadOnlyList<TrailRewrite> rewrites, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The trail is redacted inside the erasure's transaction only.");
        }

        var vouched = new Dictionary<long, string>();
        if (rewrites.Count == 0)
        {
            return vouched;
        }

        await AuditChain.SealAsync(db, cancellationToken);
        foreach (var chunk in rewrites.Chunk(100))
        {
            var ids = chunk.Select(r => r.Entry.Id).ToList();
            await RowInserts.InsertAsync(db, "AuditRedactionGuard", ["EntryId"], ids, id => [id], cancellationToken);
            foreach (var rewrite in chunk)
            {
                await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Changes" = {0}, "Label" = {1} WHERE "Id" = {2}""",
                    [rewrite.Changes, rewrite.Label, rewrite.Entry.Id], cancellationToken);
                var redacted = Copy(rewrite.Entry);
                redacted.Changes = rewrite.Changes;
                redacted.Label = rewrite.Label;
                vouched[rewrite.Entry.Id] = RedactedDigest(redacted);
            }

            await db.Set<AuditRedactionGuard>().Where(g => ids.Contains(g.EntryId)).ExecuteDeleteAsync(cancellationToken);
        }

        return vouched;
    }

    /// <summary>The vouching field's value for <paramref name="vouched"/> (entry id as text to digest).</summary>
    public static JsonObject VouchedNode(IReadOnlyDictionary<long, string> vouched)
    {
        var node = new JsonObject();
        foreach (var (id, digest) in vouched.OrderBy(v => v.Key))
        {
            node[id.ToString(CultureInfo.InvariantCulture)] = digest;
        }

        return node;
    }

    /// <summary>
    /// The redactions vouched for by intact vouching entries: entry id to the digests recorded for it
    /// (a later erasure may have redacted an entry again).
    /// </summary>
    internal static async Task<Dictionary<long, HashSet<string>>> VouchedAsync(CrmDb db, CancellationToken cancellationToken)
    {
        var vouching = await db.AuditEntries.AsNoTracking().Where(e => e.Action == VouchingAction)
            .Select(e => new { e.Changes, e.ChangesDigest }).ToListAsync(cancellationToken);
        var vouched = new Dictionary<long, HashSet<string>>();
        foreach (var entry in vouching.Where(v => AuditChain.Digest(v.Changes) == v.ChangesDigest))
        {
            if (JsonNode.Parse(entry.Changes) is not JsonObject changes || changes[VouchedField]?["new"] is not JsonObject map)
            {
                continue;
            }

            foreach (var (key, value) in map)
            {
                if (long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && value?.GetValueKind() == System.Text.Json.JsonValueKind.String)
                {
                    if (!vouched.TryGetValue(id, out var digests))
                    {
                        vouched[id] = digests = [];
                    }

                    digests.Add(value.GetValue<string>());
                }
            }
        }

        return vouched;
    }

    /// <summary>
    /// Redacts one entry's changes: the values of the fields <paramref name="whole"/> names are
    /// replaced by <see cref="Erased"/> (null stays null, so "no value" still reads as none), and in
    /// every other value each mention of one of <paramref name="addresses"/> is; returns the marked
    /// JSON, or null when nothing was left to redact.
    /// </summary>
    public static string? Redact(string changes, Func<string, bool> whole, IReadOnlyCollection<string> addresses, string marker)
    {
        if (JsonNode.Parse(changes) is not JsonObject root)
        {
            return null;
        }

        var changed = false;
        foreach (var (field, value) in root.ToList())
        {
            if (field == AuditChain.RedactedMarker)
            {
                continue;
            }

            var replaced = Scrub(value, whole(field), addresses, ref changed);
            if (!ReferenceEquals(replaced, value))
            {
                root[field] = replaced;
            }
        }

        if (!changed)
        {
            return null;
        }

        root[AuditChain.RedactedMarker] = new JsonObject { ["new"] = marker };
        return root.ToJsonString();
    }

    /// <summary><paramref name="text"/> with every mention of any of <paramref name="addresses"/> (any case) replaced by <see cref="Erased"/>.</summary>
    public static string ScrubText(string text, IReadOnlyCollection<string> addresses) =>
        addresses.Aggregate(text, ScrubText);

    private static string ScrubText(string text, string? address)
    {
        if (string.IsNullOrEmpty(address) || text.IndexOf(address, StringComparison.OrdinalIgnoreCase) < 0)
        {
            return text;
        }

        var result = new StringBuilder();
        var from = 0;
        for (var at = text.IndexOf(address, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(address, from, StringComparison.OrdinalIgnoreCase))
        {
            result.Append(text, from, at - from).Append(Erased);
            from = at + address.Length;
        }

        return result.Append(text, from, text.Length - from).ToString();
    }

    private static JsonNode? Scrub(JsonNode? node, bool whole, IReadOnlyCollection<string> addresses, ref bool changed)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    var replaced = Scrub(child, whole, addresses, ref changed);
                    if (!ReferenceEquals(replaced, child))
                    {
                        o[key] = replaced;
                    }
                }

                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var child = a[i];
                    var replaced = Scrub(child, whole, addresses, ref changed);
                    if (!ReferenceEquals(replaced, child))
                    {
                        a[i] = replaced;
                    }
                }

                return a;
            default:
                var text = node.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                var scrubbed = whole ? Erased : ScrubText(text, addresses);
                if (scrubbed == text && (!whole || node.GetValueKind() == System.Text.Json.JsonValueKind.String))
                {
                    return node;
                }

                changed = true;
                return JsonValue.Create(scrubbed);
        }
    }

    private static AuditEntry Copy(AuditEntry e) => new()
    {
        Id = e.Id, At = e.At, ActorKind = e.ActorKind, ActorUserId = e.ActorUserId, ActorName = e.ActorName, ApiTokenName = e.ApiTokenName,
        PreviewedById = e.PreviewedById, IpAddress = e.IpAddress, UserAgent = e.UserAgent, RequestId = e.RequestId,
        EntityType = e.EntityType, EntityId = e.EntityId, Label = e.Label, Action = e.Action, Changes = e.Changes, ChangesDigest = e.ChangesDigest,
    };
}
