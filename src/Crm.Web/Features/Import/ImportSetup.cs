using Crm.Web.Features.Help;
using Crm.Web.Features.Scheduler;
using Crm.Web.Web;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Import;

/// <summary>
/// Import (issue 26, ADR 0038): CSV and xlsx files into companies, contacts, leads, deals, products and
/// tasks, each module registered through the kit (<see cref="Records.RecordImportRegistration"/>).
/// Upload, mapping, a dry run of every row through the module's own save, then an all-or-nothing
/// import in the background, and an undo. Open to whoever has a module's import permission.
/// </summary>
public sealed class ImportSetup : ICrmFeature
{
    public void MapApi(RouteGroupBuilder api) =>
        api.MapImportsApi(((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value);

    public void AddServices(IServiceCollection services)
    {
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section);
        services.AddSingleton<ImportModules>();
        services.AddSingleton<ImportProgress>();
        services.AddSingleton<ImportWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<ImportWorker>());
        services.AddScoped<StartImport>();
        services.AddScoped<CheckImport>();
        services.AddScoped<ConfirmImport>();
        services.AddScoped<CancelImport>();
        services.AddScoped<UndoImport>();
        services.AddScoped<RunImport>();
        services.AddScoped<ReadImport>();
        services.AddScoped<ImportTemplate>();
        services.AddScoped<ImportFields>();
        services.AddRecurringJob<PruneImportFiles>(PruneImportFiles.JobName,
            "Removes uploaded import files Import:UndoDays (30 by default) after the import, or after the upload for a file never imported.", TimeSpan.FromHours(6));
        // The upload page reads its form under the import's file limit, not the framework's defaults.
        services.AddPageUploadLimit<IOptions<ImportOptions>>("/Import/Index", options => ImportsApi.UploadLimit(options.Value));
        services.AddSection(new Section("Import", "Bring companies, contacts, leads, deals, products and tasks in from a spreadsheet, and undo an import.", "/import", 545,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(s_help);
    }

    private static readonly HelpTopic s_help = new("import", "Importing from a spreadsheet",
    [
        "Import brings records in from an Excel workbook (.xlsx, as saved by Excel or LibreOffice) or a CSV file (comma or semicolon separated, UTF-8 with or without a byte-order mark). It is open to administrators under Administration › Import and, for anyone whose role may import a module, from that module's list. Files up to 50 MB and 200,000 rows are taken; make a backup export of the module before a large import.",
        "Start from the template of the module: its columns are the fields your role may set, with a sample row; the Excel template's second sheet lists the values each choice field takes (a lead's status, a deal's stage). The first row of your file must name the columns.",
        "Custom fields are columns like the others: the template has them, with a select's choices on the Excel template's second sheet; their rules (required, type, choices) are checked with the rest of the row. Fields only administrators may see, and fields your role may not change, are not offered.",
        "After the upload, each column is matched to a field by its name or label, or as you mapped the same column last time; change any of them. A column mapped to nothing must be confirmed as ignored. Owners and responsible people are written as their email addresses, dates as 2026-12-31 (or 31.12.2026), yes/no fields as yes or no, a linked company or contact as its ID. A country is matched through the countries' names and alternative names.",
        "Modes: create only adds every row as a new record; update only changes existing records, found by their ID (map the column of IDs to \"id\") or by a field such as the email address or a product's code; create or update does one or the other per row. In an update an empty cell keeps the record's value. Import the first 10 rows only to try the file out.",
        "Check runs every row through the same checks as the forms and the API (required fields, lengths, choices, linked records, your permissions, who you may assign records to), without writing anything, and shows row by row what would be created, what would change (old → new) and what is refused and why, for example \"Row 17, Email: must be an email address\". Download the refused rows with an Errors column, fix them and upload the file again.",
        "Confirm imports the file in the background (you may close the page; the progress shows rows done and an estimated end). An import is all or nothing: if any row is refused, or the server stops midway, nothing of it is written. Only one import per module runs at a time. Every record it writes has its history line, naming you and the import.",
        "An administrator may tick \"Import without automation\" at Confirm: no automation rule runs and no webhook is sent for the records of that import, nor for its undo. Use it to bring in existing data that should not email every owner or notify other systems; the records' history is written as always.",
        "Undo, within 30 days, deletes the records the import created and gives the records it updated back the values it replaced. A record someone changed after the import, or one other records now depend on, is left as it is, and its row says why.",
        "Uploaded files are kept only as long as they are needed: 30 days after the import, or after the upload for a file never imported, the file is removed (it often holds personal data). The import's page, its rows and the undo stay; to check or import the file again, upload it again.",
    ]);
}
