using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>
/// A field no two records of a module share (a product's code, ignoring case), backed by a unique
/// index on its key column. The save checks it first for a clear field error; a concurrent save of the
/// same key that the check missed is refused by the index, and that is the same field error, not a 500.
/// </summary>
public sealed class UniqueField<T>(string field, Expression<Func<T, string>> key, Func<string, string> taken)
    where T : OwnedRecord
{
    /// <summary>Adds the field error when a record other than <paramref name="record"/> holds <paramref name="value"/> (shown as <paramref name="shown"/>).</summary>
    public async Task CheckAsync(CrmDb db, FieldErrors errors, string? value, string? shown, T? record, CancellationToken cancellationToken)
    {
        if (value is not null && await TakenAsync(db, value, record?.Id ?? 0, cancellationToken))
        {
            errors.Add(field, taken(shown ?? value));
        }
    }

    /// <summary>
    /// Saves <paramref name="record"/> with its version check: null when saved, otherwise the refusal (a
    /// 409 when someone else saved first, the field error when another record took the key meanwhile).
    /// </summary>
    public async Task<Result<TResult>?> SaveAsync<TResult>(CrmDb db, T record, string value, string shown, string changedBySomeoneElse, CancellationToken cancellationToken)
    {
        try
        {
            return await OwnedRecord.SaveVersionedAsync(db, cancellationToken) ? null : Result<TResult>.Conflict(changedBySomeoneElse);
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<T>().Any(e => e.Entity == record))
        {
            db.ChangeTracker.Clear();
            if (await TakenAsync(db, value, record.Id, cancellationToken))
            {
                return Result<TResult>.Invalid(field, taken(shown));
            }

            throw;
        }
    }

    private Task<bool> TakenAsync(CrmDb db, string value, int except, CancellationToken cancellationToken)
    {
        var holder = new Value(value);
        // Through a member of a holder (not a constant), so EF sends the value as a parameter.
        var matches = Expression.Lambda<Func<T, bool>>(
            Expression.Equal(key.Body, Expression.Property(Expression.Constant(holder), nameof(Value.Text))), key.Parameters);
        return db.Set<T>().AsNoTracking().Where(matches).AnyAsync(r => r.Id != except, cancellationToken);
    }

    private sealed record Value(string Text);
}
