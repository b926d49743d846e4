using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ccdsvm.Station.Core.Backup;

/// <summary>
/// The encrypted backup file: a 60-byte header, then the archive in chunks of AES-256-GCM.
/// <para>
/// Header: magic <c>CCDSVMBK</c> (8), format version (1), key derivation (1: PBKDF2-HMAC-SHA256), two zero bytes,
/// iterations (uint32 big-endian), chunk size (uint32), salt (16, random), nonce prefix (8, random), and a passphrase
/// check (16): HMAC-SHA256 of the 44 bytes before it under a second key derived with the encryption key, so a wrong
/// passphrase is told apart from a damaged file before anything is decrypted.
/// </para>
/// <para>
/// Chunk: a final flag (1), the plaintext length (uint32), the ciphertext and its 16-byte tag. The nonce is the prefix
/// and the chunk's index (uint32); the additional data is the whole header, the index and the final flag, so chunks
/// cannot be reordered, dropped, moved between files or cut off after any chunk but the final one.
/// </para>
/// </summary>
public static class BackupCipher
{
    public const int MinPassphraseLength = 12;
    public const int DefaultIterations = 600_000;
    public const int HeaderLength = 60;
    private const int MaxIterations = 10_000_000;
    private const int ChunkSize = 1024 * 1024;
    private const int TagLength = 16;
    private const byte FormatVersion = 1;
    private const byte KdfPbkdf2Sha256 = 1;
    private static ReadOnlySpan<byte> Magic => "CCDSVMBK"u8;

    /// <summary>Why a passphrase is refused, or null when it may be used.</summary>
    public static string? PassphraseProblem(string? passphrase) =>
        string.IsNullOrEmpty(passphrase) ? "a passphrase is required to encrypt the backup"
        : passphrase.Length < MinPassphraseLength ? $"the passphrase is too short: use at least {MinPassphraseLength} characters (it has {passphrase.Length})"
        : string.IsNullOrWhiteSpace(passphrase) ? "the passphrase is only spaces"
        : null;

    /// <summary>Encrypts all of <paramref name="plain"/> into <paramref name="sealedOutput"/>.</summary>
    public static void Encrypt(Stream plain, Stream sealedOutput, string passphrase, int iterations = DefaultIterations)
    {
        if (PassphraseProblem(passphrase) is { } problem) throw new ArgumentException(problem, nameof(passphrase));
        var header = new byte[HeaderLength];
        Magic.CopyTo(header);
        header[8] = FormatVersion;
        header[9] = KdfPbkdf2Sha256;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), (uint)iterations);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16), ChunkSize);
        RandomNumberGenerator.Fill(header.AsSpan(20, 16 + 8));
        var (key, check) = DeriveKeys(passphrase, header.AsSpan(20, 16), iterations);
        HMACSHA256.HashData(check, header.AsSpan(0, 44)).AsSpan(0, 16).CopyTo(header.AsSpan(44));
        sealedOutput.Write(header);

        using var gcm = new AesGcm(key, TagLength);
        var buffer = new byte[ChunkSize];
        var cipher = new byte[ChunkSize];
        var tag = new byte[TagLength];
        var prefix = new byte[5];
        for (uint index = 0; ; index++)
        {
            int read = plain.ReadAtLeast(buffer, ChunkSize, throwOnEndOfStream: false);
            bool final = read < ChunkSize;
            gcm.Encrypt(Nonce(header, index), buffer.AsSpan(0, read), cipher.AsSpan(0, read), tag, Aad(header, index, final));
            prefix[0] = final ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), (uint)read);
            sealedOutput.Write(prefix);
            sealedOutput.Write(cipher, 0, read);
            sealedOutput.Write(tag);
            if (final) break;
        }
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(buffer);
    }

    /// <summary>
    /// Reads the header and checks the passphrase against it; returns the key for <see cref="Decrypt"/>.
    /// Throws <see cref="BackupUnreadableException"/> for a file that is not a backup or a passphrase that does not open it.
    /// </summary>
    public static OpenedBackup Open(Stream sealedInput, string passphrase)
    {
        var header = new byte[HeaderLength];
        if (sealedInput.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) < HeaderLength || !header.AsSpan(0, 8).SequenceEqual(Magic))
            throw new BackupUnreadableException("this file is not a station backup (its header is not a CCDSVM backup header)", wrongPassphrase: false);
        if (header[8] != FormatVersion || header[9] != KdfPbkdf2Sha256)
            throw new BackupUnreadableException($"this backup has format {header[8]} (key derivation {header[9]}); this station reads format {FormatVersion}", wrongPassphrase: false);
        uint iterations = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12));
        uint chunkSize = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16));
        if (iterations is < 100_000 or > MaxIterations || chunkSize != ChunkSize)
            throw new BackupUnreadableException("this backup's header is damaged (its key derivation settings are out of range)", wrongPassphrase: false);
        var (key, check) = DeriveKeys(passphrase, header.AsSpan(20, 16), (int)iterations);
        var expected = HMACSHA256.HashData(check, header.AsSpan(0, 44)).AsSpan(0, 16);
        if (!CryptographicOperations.FixedTimeEquals(expected, header.AsSpan(44, 16)))
            throw new BackupUnreadableException("the passphrase does not open this backup (or its header was altered)", wrongPassphrase: true);
        return new OpenedBackup(header, key);
    }

    /// <summary>Decrypts the chunks after the header; throws <see cref="BackupUnreadableException"/> on any altered, missing or extra byte.</summary>
    public static void Decrypt(Stream sealedInput, OpenedBackup opened, Stream plainOutput)
    {
        using var gcm = new AesGcm(opened.Key, TagLength);
        var prefix = new byte[5];
        var cipher = new byte[ChunkSize];
        var plain = new byte[ChunkSize];
        var tag = new byte[TagLength];
        for (uint index = 0; ; index++)
        {
            if (sealedInput.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false) < prefix.Length)
                throw Damaged($"it ends after {index} chunks without its final chunk (the file was cut short)");
            bool final = prefix[0] == 1;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1));
            if (prefix[0] > 1 || length > ChunkSize || (!final && length != ChunkSize))
                throw Damaged($"chunk {index} has an impossible length or flag");
            if (sealedInput.ReadAtLeast(cipher.AsSpan(0, (int)length), (int)length, throwOnEndOfStream: false) < length
                || sealedInput.ReadAtLeast(tag, TagLength, throwOnEndOfStream: false) < TagLength)
                throw Damaged($"chunk {index} is cut short");
            try
            {
                gcm.Decrypt(Nonce(opened.Header, index), cipher.AsSpan(0, (int)length), tag, plain.AsSpan(0, (int)length), Aad(opened.Header, index, final));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw Damaged($"chunk {index} does not authenticate");
            }
            plainOutput.Write(plain, 0, (int)length);
            if (final) break;
        }
        if (sealedInput.ReadByte() != -1) throw Damaged("there are bytes after its final chunk");
        CryptographicOperations.ZeroMemory(plain);
    }

    private static BackupUnreadableException Damaged(string why) =>
        new($"the backup file is damaged or was altered: {why}; nothing was restored from it", wrongPassphrase: false);

    private static (byte[] Key, byte[] Check) DeriveKeys(string passphrase, ReadOnlySpan<byte> salt, int iterations)
    {
        var both = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 64);
        return (both[..32], both[32..]);
    }

    private static byte[] Nonce(byte[] header, uint index)
    {
        var nonce = new byte[12];
        header.AsSpan(36, 8).CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), index);
        return nonce;
    }

    private static byte[] Aad(byte[] header, uint index, bool final)
    {
        var aad = new byte[HeaderLength + 5];
        header.CopyTo(aad, 0);
        BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(HeaderLength), index);
        aad[^1] = final ? (byte)1 : (byte)0;
        return aad;
    }
}

/// <summary>A backup whose passphrase was checked: its header and the derived encryption key.</summary>
public sealed record OpenedBackup(byte[] Header, byte[] Key);

/// <summary>A backup that cannot be read: not a backup, a wrong passphrase, or damaged.</summary>
public sealed class BackupUnreadableException : Exception
{
    public BackupUnreadableException(string message, bool wrongPassphrase) : base(message) => WrongPassphrase = wrongPassphrase;

    public BackupUnreadableException() : base("the backup cannot be read")
    {
    }

    public BackupUnreadableException(string message) : base(message)
    {
    }

    public BackupUnreadableException(string message, Exception inner) : base(message, inner)
    {
    }

    public bool WrongPassphrase { get; }
}
