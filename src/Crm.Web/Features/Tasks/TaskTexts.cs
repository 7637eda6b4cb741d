namespace Crm.Web.Features.Tasks;

/// <summary>How task states and priorities are spelled in the API, in forms and on pages.</summary>
public static class TaskTexts
{
    public const string OpenFilter = "open";

    public static string Of(TaskState state) => state switch
    {
        TaskState.InProgress => "in-progress",
        TaskState.Done => "done",
        TaskState.Cancelled => "cancelled",
        _ => "open",
    };

    public static string Label(TaskState state) => state switch
    {
        TaskState.InProgress => "In progress",
        TaskState.Done => "Done",
        TaskState.Cancelled => "Cancelled",
        _ => "Open",
    };

    /// <summary>The words a page shows for a state or priority key of the API ("in-progress" is "In progress").</summary>
    public static string Display(string key) =>
        State(key) is { } state ? Label(state) : Priority(key) is { } priority ? priority.ToString() : key;

    public static string Of(TaskPriority priority) => priority switch
    {
        TaskPriority.Low => "low",
        TaskPriority.High => "high",
        _ => "normal",
    };

    public static TaskState? State(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "open" => TaskState.Open,
        "in-progress" or "in progress" or "inprogress" => TaskState.InProgress,
        "done" => TaskState.Done,
        "cancelled" or "canceled" => TaskState.Cancelled,
        _ => null,
    };

    public static TaskPriority? Priority(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "low" => TaskPriority.Low,
        "normal" => TaskPriority.Normal,
        "high" => TaskPriority.High,
        _ => null,
    };

    public static readonly IReadOnlyList<TaskState> States = [TaskState.Open, TaskState.InProgress, TaskState.Done, TaskState.Cancelled];
    public static readonly IReadOnlyList<TaskPriority> Priorities = [TaskPriority.Low, TaskPriority.Normal, TaskPriority.High];
}
