using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Units;

public sealed class UnitSecretsTests
{
    [Fact]
    public void New_secrets_are_43_base64url_characters_that_never_begin_with_a_dash()
    {
        // One in 64 base64url strings begins with '-'; 5,000 draws would show it (chance of missing ~1e-34).
        var secrets = Enumerable.Range(0, 5000).Select(_ => UnitSecrets.New()).ToList();
        Assert.All(secrets, s =>
        {
            Assert.Equal(43, s.Length);
            Assert.NotEqual('-', s[0]);
            Assert.True(s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), s);
        });
        Assert.Equal(secrets.Count, secrets.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(secrets, s => s.Contains('-', StringComparison.Ordinal));
    }
}
