using Crm.Web.Data;
using Crm.Web.Features.Help;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.Extensions.Options;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public static readonly ModuleDefinition Files = ModuleDefinition.Standard("files", "Files", "File") with { Order = 90 };
    }
}

namespace Crm.Web.Features.Files
{
    public sealed class FilesSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Files];

        public void MapApi(RouteGroupBuilder api) => api.MapFilesApi();

        public void AddServices(IServiceCollection services)
        {
            services.AddOptions<FileSettings>().BindConfiguration("Files").PostConfigure<IHostEnvironment, IConfiguration>((settings, host, configuration) =>
            {
                // In the data folder next to the default SQLite database, outside wwwroot: never served as a static file.
                settings.Root = string.IsNullOrWhiteSpace(settings.Root)
                    ? Path.Combine(DataFolder.Resolve(configuration, host.ContentRootPath), "files")
                    : Path.GetFullPath(settings.Root, host.ContentRootPath);
                settings.MaxBytes = settings.MaxBytes > 0 ? settings.MaxBytes : FileSettings.DefaultMaxBytes;
            });
            services.AddSingleton(provider => provider.GetRequiredService<IOptions<FileSettings>>().Value);
            services.AddSingleton<FileStore>();
            services.AddHostedService<FileSweeper>();
            services.AddScoped<FileVisibility>();
            services.AddScoped<FileReleases>();
            services.AddScoped<ListFiles>();
            services.AddScoped<ExportFiles>();
            services.AddScoped<ReadFile>();
            services.AddScoped<UploadFile>();
            services.AddScoped<DeleteFile>();
            services.AddRecordLookup<FileLookup>();
            // One registration for every module: a file hangs on whatever record it is attached to.
            services.AddRecordDependents<FileDependents>();
            // The upload page reads its form under the file limit, not the framework's defaults.
            services.AddPageUploadLimit<IOptions<FileSettings>>("/Files/Upload", settings => FilesApi.UploadLimit(settings.Value));
            services.AddOwnerMoves<FileObject>(CrmModules.Files);
            services.AddSection(new Section("Files", "Files attached to companies, contacts, tasks, memos and other records.", "/files", 70, _ => true)
            {
                Module = CrmModules.Files.Key,
            });
            services.AddHelpTopic(new HelpTopic("files", "Files",
            [
                "Files are attached to records: a company, a contact, a task, a memo. A record's page lists its files and, when your role allows it, has a form to attach one. You see a file only if your role lets you see files and you can see the record it is attached to.",
                "The CRM keeps each content once. Attaching the same file to another record (or creating a task from a memo) adds a new file object that refers to the same stored content. Deleting a file object removes only that reference; the content itself is deleted when its last reference is.",
                "Downloads are always offered as a file to save, under the file's name. Names are cleaned: folders in a name and control characters are removed, and long names are shortened.",
                "Files are deleted with the record they are attached to; that record's delete confirmation lists them. The stored content whose last reference went is removed as soon as the delete is saved.",
                "Export CSV and Export Excel download the list of files you see (name, type, size, record, owner; never their content) when your role may export files. Every export is recorded in the activity log and the audit trail.",
            ]));
        }
    }
}
