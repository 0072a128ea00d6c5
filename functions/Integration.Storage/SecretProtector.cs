using System.Security.Cryptography;
using System.Text;

namespace Integration.Storage;

/// <summary>
/// Encrypts partner secrets at rest (AES-256-GCM). HMAC verification needs the secret itself, so it cannot be stored
/// as a hash; the key comes from configuration (in Azure a Key Vault reference, <c>Hub:Secrets:Key</c>).
/// </summary>
public sealed class SecretProtector
{
    private readonly byte[] key;

    public SecretProtector(byte[] key)
    {
        if (key.Length != 32) throw new ArgumentException("The secret-encryption key is 32 bytes (base64 in Hub:Secrets:Key).", nameof(key));
        this.key = key;
    }

    public string Protect(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, 16)) aes.Encrypt(nonce, plain, cipher, tag);
        return Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    public string Unprotect(string protectedSecret)
    {
        var data = Convert.FromBase64String(protectedSecret);
        var plain = new byte[data.Length - 28];
        using (var aes = new AesGcm(key, 16)) aes.Decrypt(data.AsSpan(0, 12), data.AsSpan(28), data.AsSpan(12, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
