using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Departments;

/// <summary>A department as administrators see it: where it sits in the tree and how many people it has.</summary>
public sealed record DepartmentView(
    int Id,
    string Name,
    int? ParentId,
    string? Email,
    string Path,
    int Depth,
    int MemberCount,
    int SubDepartmentCount,
    DateTime CreatedAt);

/// <summary>
/// The whole department tree, read in two queries. A company has tens or hundreds of departments,
/// so paths, depths and ancestry are worked out in memory rather than with recursive SQL.
/// </summary>
internal sealed class DepartmentTree
{
    public const string PathSeparator = " / ";

    private readonly Dictionary<int, Row> _rows;
    private readonly Dictionary<int, int> _memberCounts;
    private readonly ILookup<int?, Row> _children;

    private DepartmentTree(List<Row> rows, Dictionary<int, int> memberCounts)
    {
        _rows = rows.ToDictionary(r => r.Id);
        _memberCounts = memberCounts;
        _children = rows.ToLookup(r => r.ParentId);
    }

    public static async Task<DepartmentTree> LoadAsync(CrmDb db, CancellationToken cancellationToken)
    {
        var rows = await db.Departments.AsNoTracking()
            .Select(d => new Row(d.Id, d.Name, d.ParentId, d.Email, d.CreatedAt))
            .ToListAsync(cancellationToken);
        var memberCounts = await db.UserDepartments
            .GroupBy(m => m.DepartmentId)
            .Select(g => new { DepartmentId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.DepartmentId, g => g.Count, cancellationToken);
        return new DepartmentTree(rows, memberCounts);
    }

    public bool Contains(int id) => _rows.ContainsKey(id);

    public string NameOf(int id) => _rows[id].Name;

    /// <summary>Another department already called <paramref name="name"/>, ignoring case ("Sales" and "sales" would confuse everyone).</summary>
    public string? NameTakenBy(string name, int? exceptId) =>
        _rows.Values.FirstOrDefault(r => r.Id != exceptId && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))?.Name;

    /// <summary>True when <paramref name="ancestorId"/> is <paramref name="id"/> or above it in the tree.</summary>
    public bool IsSelfOrAncestor(int ancestorId, int id)
    {
        var seen = new HashSet<int>();
        for (int? current = id; current is { } c && _rows.TryGetValue(c, out var row) && seen.Add(c); current = row.ParentId)
        {
            if (c == ancestorId)
            {
                return true;
            }
        }

        return false;
    }

    public DepartmentView? Find(int id) => _rows.TryGetValue(id, out var row) ? View(row, DepthOf(id)) : null;

    /// <summary>Depth first, siblings by name: the order an indented list reads naturally.</summary>
    public IReadOnlyList<DepartmentView> InTreeOrder()
    {
        var ordered = new List<DepartmentView>(_rows.Count);
        var visited = new HashSet<int>();
        Visit(null, 0);

        // Rows caught in a cycle are unreachable from the roots; the use cases never write one, but
        // if the data ever holds one, the departments must still be listed to be repaired.
        foreach (var row in _rows.Values.Where(r => !visited.Contains(r.Id)).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase))
        {
            visited.Add(row.Id);
            ordered.Add(View(row, 0));
        }

        return ordered;

        void Visit(int? parentId, int depth)
        {
            foreach (var child in _children[parentId].OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Id))
            {
                if (visited.Add(child.Id))
                {
                    ordered.Add(View(child, depth));
                    Visit(child.Id, depth + 1);
                }
            }
        }
    }

    private DepartmentView View(Row row, int depth) => new(
        row.Id,
        row.Name,
        row.ParentId,
        row.Email,
        string.Join(PathSeparator, Ancestry(row.Id).Reverse().Select(r => r.Name)),
        depth,
        _memberCounts.GetValueOrDefault(row.Id),
        _children[row.Id].Count(),
        row.CreatedAt);

    private int DepthOf(int id) => Ancestry(id).Count() - 1;

    /// <summary>The department and its ancestors, nearest first; stops at a cycle instead of looping.</summary>
    private IEnumerable<Row> Ancestry(int id)
    {
        var seen = new HashSet<int>();
        for (int? current = id; current is { } c && _rows.TryGetValue(c, out var row) && seen.Add(c); current = row.ParentId)
        {
            yield return row;
        }
    }

    private sealed record Row(int Id, string Name, int? ParentId, string? Email, DateTime CreatedAt);
}
