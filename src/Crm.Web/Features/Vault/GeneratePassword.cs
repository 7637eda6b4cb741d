using System.Security.Cryptography;
using Crm.Web.Records;
using Crm.Web.Web;

namespace Crm.Web.Features.Vault;

/// <summary>What the generator makes: a length and the classes of characters to draw from (all four by default).</summary>
[ApiSchemaName("PasswordRecipe")]
public sealed record PasswordRecipe(int? Length = null, bool? Lowercase = null, bool? Uppercase = null, bool? Digits = null, bool? Symbols = null);

/// <summary>
/// Random passwords from the operating system's cryptographic generator: each chosen class at least
/// once, every character drawn uniformly (no modulo bias: <see cref="RandomNumberGenerator.GetInt32(int)"/>),
/// the guaranteed ones shuffled in. Look-alike characters are kept: the password is copied, not typed.
/// </summary>
public sealed class GeneratePassword
{
    public const int DefaultLength = 24;
    public const int MinLength = 8;
    public const int MaxLength = 128;

    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Numbers = "0123456789";
    private const string Punctuation = "!#$%&()*+,-./:;<=>?@[]^_{|}~";

    public Result<string> Run(PasswordRecipe recipe)
    {
        var length = recipe.Length ?? DefaultLength;
        var classes = new[]
        {
            (recipe.Lowercase ?? true, Lower), (recipe.Uppercase ?? true, Upper), (recipe.Digits ?? true, Numbers), (recipe.Symbols ?? true, Punctuation),
        }.Where(c => c.Item1).Select(c => c.Item2).ToList();
        var errors = new FieldErrors();
        if (length is < MinLength or > MaxLength)
        {
            errors.Add("length", $"The length must be between {MinLength} and {MaxLength} characters.");
        }

        if (classes.Count == 0)
        {
            errors.Add("classes", "Choose at least one kind of character.");
        }

        if (errors.Any)
        {
            return Result<string>.Invalid(errors);
        }

        var all = string.Concat(classes);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            // The first characters take one of each chosen class; the shuffle below hides where.
            var pool = i < classes.Count ? classes[i] : all;
            chars[i] = pool[RandomNumberGenerator.GetInt32(pool.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return Result<string>.Ok(new string(chars));
    }
}
