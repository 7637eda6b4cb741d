using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Records;

/// <summary>
/// The custom fields of a record, as the kit's API routes read and write them (a <c>customFields</c>
/// object beside the module's own fields). Registered by the custom fields feature; without it the
/// routes answer as before. A check comes before the module's save, the write after it in the same
/// transaction, so a refused value saves nothing and a saved record has its values.
/// </summary>
public interface IRecordCustomFields
{
    /// <summary>
    /// Checks the body's <c>customFields</c> for record <paramref name="id"/> (null: a new record, which
    /// takes the defaults and needs the required fields): a plan to write, or the field errors
    /// (<c>customFields.key</c>).
    /// </summary>
    Task<Result<CustomFieldPlan>> CheckAsync(Actor actor, string moduleKey, int? id, JsonElement body, CancellationToken cancellationToken);

    /// <summary>Writes a checked plan for the saved record, with its history entry, before the caller commits.</summary>
    Task WriteAsync(CustomFieldPlan plan, string moduleKey, int recordId, CancellationToken cancellationToken);

    /// <summary>The values the actor may see, by key (absent: no value).</summary>
    Task<JsonObject> ReadAsync(Actor actor, string moduleKey, int recordId, CancellationToken cancellationToken);
}

/// <summary>What a checked <c>customFields</c> will change; an empty plan changes nothing, and the save needs no transaction of its own.</summary>
public sealed record CustomFieldPlan(bool IsEmpty, object Changes);
