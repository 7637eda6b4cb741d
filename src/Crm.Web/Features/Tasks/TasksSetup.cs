using Crm.Web.Features.Help;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public static readonly ModuleDefinition Tasks = ModuleDefinition.Standard("tasks", "Tasks", "Task", PermissionAction.Import) with { Order = 60 };
    }
}

namespace Crm.Web.Features.Tasks
{
    public sealed class TasksSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Tasks];

        public void MapApi(RouteGroupBuilder api) => api.MapTasksApi();

        public void AddServices(IServiceCollection services)
        {
            services.AddScoped<TaskVisibility>();
            services.AddScoped<ListTasks>();
            services.AddScoped<ExportTasks>();
            services.AddScoped<ReadTask>();
            services.AddScoped<SaveTask>();
            services.AddRecordImport<CrmTask, SaveTask, TaskInput, TaskFields, TaskDetails, DeleteTask, TaskDeleteImpact>(CrmModules.Tasks, [],
                new Dictionary<string, IReadOnlyList<string>> { ["priority"] = [.. TaskTexts.Priorities.Select(TaskTexts.Of)], ["status"] = [.. TaskTexts.States.Select(TaskTexts.Of)] },
                inputOf: TaskInput.Of);
            services.AddScoped<DeleteTask>();
            services.AddRecordLookup<TaskLookup>();
            services.AddRecordDependents<TaskDependents>();
            services.AddOwnerMoves<CrmTask>(CrmModules.Tasks);
            // Listed for everyone: anyone may be made responsible for a task, whatever their role's scope.
            services.AddSection(new Section("Tasks", "Work to do, who is responsible, and by when.", "/tasks", 40, _ => true));
            services.AddHelpTopic(new HelpTopic("tasks", "Tasks",
            [
                "The task list shows the tasks your role lets you see and, always, the tasks you are responsible for. Filter by status (\"Open\" means open or in progress), priority, or \"Mine\"; search by title; sort by title or ID.",
                "A task has a title, an optional description and due date (a calendar day), a priority, a status and one or more responsible users, who must be active. You own the tasks you create; a responsible user may also change the task, for example to mark it done.",
                "A task can be a sub-task of another task (never of itself or of its own sub-tasks) and can be about any record you can see, such as a company, a contact or a memo. Its page lists its sub-tasks and files.",
                "Deleting a task deletes its sub-tasks and files; deleting the record a task is about, or its parent task, deletes the task. The confirmation lists everything first. A delete never takes linked records you may not delete yourself: if there are any, the confirmation counts them by module and the delete is refused until their owners or an administrator deal with them.",
                "Export CSV and Export Excel download the tasks of the current list (with your search, filters and sort) when your role may export tasks; fields your role hides are left out. Every export is recorded in the activity log and the audit trail.",
            ]));
        }
    }
}
