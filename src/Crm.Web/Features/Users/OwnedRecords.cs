using Crm.Web.Data;

namespace Crm.Web.Features.Users;

/// <summary>
/// A kind of record users own (companies, deals, tasks, ...). Each feature that has owners
/// registers one, so deleting a user can show what they own and hand all of it to someone else
/// in the same transaction. Features reassign through their own transfer service, so every path
/// that changes owners behaves the same.
/// </summary>
public sealed record OwnedRecords(
    string Title,
    Func<CrmDb, Guid, CancellationToken, Task<int>> CountAsync,
    Func<CrmDb, Guid, Guid, CancellationToken, Task> ReassignAsync);

public static class OwnedRecordsRegistration
{
    public static IServiceCollection AddOwnedRecords(this IServiceCollection services, OwnedRecords records) =>
        services.AddSingleton(records);
}
