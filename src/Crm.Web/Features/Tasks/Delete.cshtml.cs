using Crm.Web.Records;

namespace Crm.Web.Features.Tasks;

public sealed class DeleteTaskPage(DeleteTask delete) : DeleteConfirmationPage<TaskDeleteImpact>(delete, "/tasks");
