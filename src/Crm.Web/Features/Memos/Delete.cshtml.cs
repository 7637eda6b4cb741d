using Crm.Web.Records;

namespace Crm.Web.Features.Memos;

public sealed class DeleteMemoPage(DeleteMemo delete) : DeleteConfirmationPage<MemoDeleteImpact>(delete, "/memos");
