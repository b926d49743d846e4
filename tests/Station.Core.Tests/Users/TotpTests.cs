using System.Text;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Station.Core.Tests.Users;

/// <summary>The RFC's own vectors, then enrolment and login with codes computed as an authenticator app would.</summary>
[Collection(StoreCollection.Name)]
public sealed class TotpTests : IDisposable
{
    private const string Password = "carols-long-password";
    private readonly UsersHarness _h = new();
    private readonly Ccdsvm.Station.Core.Caller _carol;

    public TotpTests() => _carol = _h.CreateUser("carol", Password);

    public void Dispose() => _h.Dispose();

    // RFC 6238 appendix B, SHA1 rows: the 20-byte ASCII key "12345678901234567890", 8 digits.
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Code_MatchesRfc6238Sha1Vectors(long unixSeconds, string expected)
    {
        var key = Encoding.ASCII.GetBytes("12345678901234567890");
        var step = Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(expected, Totp.Code(key, step, digits: 8));
        Assert.Equal(expected[2..], Totp.Code(key, step));
    }

    // RFC 4648 section 10 (padding left off on output).
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_MatchesRfc4648Vectors(string text, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(text, Encoding.ASCII.GetString(Base32.Decode(encoded.ToLowerInvariant() + "====")));
    }

    private string Now(TimeSpan? offset = null) => Totp.Code(_secret!, _h.Time.GetUtcNow() + (offset ?? TimeSpan.Zero));

    private string? _secret;

    private IReadOnlyList<string> Enrol()
    {
        var begun = _h.Users.BeginTotp(_carol);
        Assert.True(begun.Ok, begun.Error?.Message);
        _secret = begun.Value!.Secret;
        var confirmed = _h.Users.ConfirmTotp(_carol, Now(), "10.0.0.7");
        Assert.True(confirmed.Ok, confirmed.Error?.Message);
        // The confirming code's step is spent: the next code comes from the next step.
        _h.Time.Advance(TimeSpan.FromSeconds(30));
        return confirmed.Value!;
    }

    [Fact]
    public void Enrolment_ShowsAKeyUriAndNeedsACurrentCodeBeforeItTakesEffect()
    {
        var begun = _h.Users.BeginTotp(_carol).Value!;
        Assert.Equal($"otpauth://totp/CCDSVM:carol?secret={begun.Secret}&issuer=CCDSVM", begun.KeyUri);
        Assert.Equal(32, begun.Secret.Length); // 20 bytes of key
        _secret = begun.Secret;

        // Not active yet: the password alone still signs in.
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("carol", Password, null, null).Status);
        var wrong = _h.Users.ConfirmTotp(_carol, "000000" == Now() ? "111111" : "000000");
        Assert.False(wrong.Ok);
        Assert.False(_h.Users.TotpStatusOf(_carol).Enabled);

        var codes = _h.Users.ConfirmTotp(_carol, Now(), "10.0.0.7");
        Assert.True(codes.Ok, codes.Error?.Message);
        Assert.Equal(10, codes.Value!.Count);
        Assert.Equal(10, codes.Value.Distinct().Count());
        Assert.Equal(new TotpStatus(true, false, 10), _h.Users.TotpStatusOf(_carol));
        Assert.Single(_h.AuditOf("auth.totp.enrol"), e => e.Outcome == "succeeded" && e.Address == "10.0.0.7");
        // Recovery codes are stored hashed, never as given.
        using var c = _h.Db.Open();
        var stored = Dapper.SqlMapper.Query<string>(c, "SELECT code_hash FROM recovery_codes WHERE username='carol'").ToList();
        Assert.Equal(10, stored.Count);
        Assert.DoesNotContain(stored, s => codes.Value.Contains(s));
    }

    [Fact]
    public void Login_NeedsTheCode_RefusesAWrongOne_AndAcceptsACurrentOneOnce()
    {
        Enrol();

        var missing = _h.Users.Login("carol", Password, null, "10.0.0.7");
        Assert.Equal(LoginStatus.CodeRequired, missing.Status);
        Assert.StartsWith("this account needs a one-time code", missing.Message, StringComparison.Ordinal);
        Assert.Null(missing.Caller);

        var code = Now();
        var wrongCode = code == "123456" ? "654321" : "123456";
        var wrong = _h.Users.Login("carol", Password, wrongCode, "10.0.0.7");
        Assert.Equal(LoginStatus.Refused, wrong.Status);
        Assert.Equal(LoginPolicy.WrongCode, wrong.Message);
        // A wrong code with a wrong password says nothing about the code.
        Assert.Equal(LoginPolicy.WrongCredentials, _h.Users.Login("carol", "wrong-password", code, "10.0.0.7").Message);

        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("carol", Password, code, "10.0.0.7").Status);
        var replay = _h.Users.Login("carol", Password, code, "10.0.0.8");
        Assert.Equal(LoginStatus.Refused, replay.Status);

        _h.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("carol", Password, Now(), "10.0.0.7").Status);
    }

    [Fact]
    public void Login_AcceptsOneStepOfClockDrift_ButNotTwo()
    {
        Enrol();
        _h.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(LoginStatus.Refused, _h.Users.Login("carol", Password, Now(TimeSpan.FromSeconds(-60)), null).Status);
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("carol", Password, Now(TimeSpan.FromSeconds(-30)), null).Status);
        _h.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("carol", Password, Now(TimeSpan.FromSeconds(30)), null).Status);
        // An older step after a newer one is a replay too.
        Assert.Equal(LoginStatus.Refused, _h.Users.Login("carol", Password, Now(), null).Status);
    }

    [Fact]
    public void RecoveryCode_WorksOnceInPlaceOfTheCode()
    {
        var codes = Enrol();

        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("carol", Password, codes[3].ToUpperInvariant(), null).Status);
        Assert.Equal(LoginStatus.Refused, _h.Users.Login("carol", Password, codes[3], null).Status);
        Assert.Equal(9, _h.Users.TotpStatusOf(_carol).RecoveryCodesLeft);
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("carol", Password, codes[4].Replace("-", ""), null).Status);
    }

    [Fact]
    public void WrongCodes_CountTowardsTheLockout()
    {
        Enrol();
        var wrongCode = Now() == "000000" ? "111111" : "000000";
        for (int i = 0; i < 4; i++) Assert.Equal(LoginStatus.Refused, _h.Users.Login("carol", Password, wrongCode, null).Status);
        Assert.Equal(LoginStatus.Locked, _h.Users.Login("carol", Password, wrongCode, null).Status);
        Assert.Equal(LoginStatus.Locked, _h.Users.Login("carol", Password, Now(), null).Status);
    }

    [Fact]
    public void Disable_NeedsACurrentCode_ThenThePasswordAloneSignsIn()
    {
        Enrol();
        Assert.False(_h.Users.DisableTotp(_carol, "12345").Ok);
        Assert.True(_h.Users.TotpStatusOf(_carol).Enabled);

        var disabled = _h.Users.DisableTotp(_carol, Now(), "10.0.0.7");
        Assert.True(disabled.Ok, disabled.Error?.Message);
        Assert.Equal(new TotpStatus(false, false, 0), _h.Users.TotpStatusOf(_carol));
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("carol", Password, null, null).Status);
        Assert.Single(_h.AuditOf("auth.totp.disable"), e => e.Outcome == "succeeded");
    }

    [Fact]
    public void Required_OnlyAnAdministratorSetsIt_AndTheUserMustEnrolBeforeAnythingElse()
    {
        var refused = _h.Users.SetTotpRequired(_carol, "carol", false);
        Assert.Equal(StationErrorKind.Forbidden, refused.Error?.Kind);
        Assert.Equal(StationErrorKind.NotFound, _h.Users.SetTotpRequired(_h.Admin, "nobody", true).Error?.Kind);

        Assert.True(_h.Users.SetTotpRequired(_h.Admin, "carol", true).Ok);
        var login = _h.Users.Login("carol", Password, null, null);
        Assert.Equal(LoginStatus.Succeeded, login.Status);
        Assert.Equal(AccountStep.EnrolTotp, login.Step);
        Assert.Equal(AccountStep.EnrolTotp, _h.Users.PendingStep("carol"));

        Enrol();
        Assert.Equal(AccountStep.None, _h.Users.PendingStep("carol"));
        Assert.Equal(LoginStatus.CodeRequired, _h.Users.Login("carol", Password, null, null).Status);
        Assert.Single(_h.AuditOf("auth.totp.required"), e => e.Outcome == "succeeded" && e.Actor == "admin" && e.Target == "carol");
    }

    [Fact]
    public void Enrolment_WhenAlreadyEnabled_IsRefused()
    {
        Enrol();
        Assert.Equal(StationErrorKind.Conflict, _h.Users.BeginTotp(_carol).Error?.Kind);
    }

    [Fact]
    public void UsedCode_StaysUsed_AcrossAStationRestart()
    {
        Enrol();
        var code = Now();
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("carol", Password, code, "10.0.0.7").Status);

        // A new station process on the same store: the same code within its window is still refused.
        var restarted = _h.Restart();
        var replay = restarted.Login("carol", Password, code, "10.0.0.8");

        Assert.Equal(LoginStatus.Refused, replay.Status);
        _h.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(LoginStatus.Succeeded, restarted.Login("carol", Password, Now(), "10.0.0.8").Status);
    }
}
