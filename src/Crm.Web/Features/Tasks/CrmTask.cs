using Crm.Web.Features.Account;
using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Tasks;

public enum TaskPriority
{
    Low,
    Normal,
    High,
}

/// <summary>Where a task stands; Open and InProgress are "open", Done and Cancelled are closed.</summary>
public enum TaskState
{
    Open,
    InProgress,
    Done,
    Cancelled,
}

/// <summary>
/// A piece of work with responsible users (named CrmTask so it never clashes with
/// <see cref="System.Threading.Tasks.Task"/>). It may be a sub-task of another task and may be about
/// any record ("related object": module key and ID); it is deleted with either.
/// </summary>
public sealed class CrmTask : OwnedRecord
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 4000;
    public const int ModuleMaxLength = 30;

    public string Title { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>
    /// A calendar day, not an instant: a task is due "on the 3rd" wherever its people are, and an
    /// instant would move that day across time zones.
    /// </summary>
    public DateOnly? DueDate { get; set; }

    public TaskPriority Priority { get; set; } = TaskPriority.Normal;

    public TaskState Status { get; set; } = TaskState.Open;

    public int? ParentId { get; set; }

    public string? RelatedModule { get; set; }

    public int? RelatedId { get; set; }

    public List<TaskResponsible> Responsible { get; set; } = [];

    public bool IsOpen => Status is TaskState.Open or TaskState.InProgress;

    public override string Label => Title;

    /// <summary>
    /// The text search of the list and the search box: the title contains <paramref name="term"/>
    /// (see <see cref="TextSearch.Term"/>). Each searched expression has a trigram index on PostgreSQL.
    /// </summary>
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    public static System.Linq.Expressions.Expression<Func<CrmTask, bool>> Matching(string term) =>
        t => t.Title.ToLower().Contains(term);
#pragma warning restore CA1304, CA1311, CA1862

    internal sealed class Configuration : IEntityTypeConfiguration<CrmTask>
    {
        public void Configure(EntityTypeBuilder<CrmTask> builder)
        {
            builder.ToTable("Tasks");
            builder.Property(t => t.Title).HasMaxLength(TitleMaxLength);
            builder.Property(t => t.Description).HasMaxLength(DescriptionMaxLength);
            builder.Property(t => t.Priority).HasConversion<string>().HasMaxLength(20);
            builder.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
            builder.Property(t => t.RelatedModule).HasMaxLength(ModuleMaxLength);
            OwnedRecord.ConfigureOwnership(builder);
            // Restrict: deleting a parent deletes its sub-tasks explicitly, after listing them.
            builder.HasOne<CrmTask>().WithMany().HasForeignKey(t => t.ParentId).OnDelete(DeleteBehavior.Restrict);
            builder.HasMany(t => t.Responsible).WithOne().HasForeignKey(r => r.TaskId).OnDelete(DeleteBehavior.Cascade);
            builder.HasIndex(t => t.ParentId);
            builder.HasIndex(t => new { t.RelatedModule, t.RelatedId });
            builder.HasIndex(t => new { t.Title, t.Id });
            builder.HasIndex(t => t.DueDate); // date rules find what is due by it
        }
    }
}

/// <summary>One user responsible for a task.</summary>
public sealed class TaskResponsible
{
    public int TaskId { get; set; }

    public Guid UserId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<TaskResponsible>
    {
        public void Configure(EntityTypeBuilder<TaskResponsible> builder)
        {
            builder.ToTable("TaskResponsibles");
            builder.HasKey(r => new { r.TaskId, r.UserId });
            builder.HasOne<CrmUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasIndex(r => r.UserId);
        }
    }
}
