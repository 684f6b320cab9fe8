using Microsoft.IdentityModel.Protocols;

namespace TaskFunctions.Core.Auth;

/// <summary>Fetches OpenID Connect documents with a fresh <see cref="IHttpClientFactory"/> client per call, so handler rotation and DNS changes are honoured.</summary>
internal sealed class HttpClientFactoryDocumentRetriever(IHttpClientFactory factory, string clientName, bool requireHttps) : IDocumentRetriever
{
    public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        var retriever = new HttpDocumentRetriever(factory.CreateClient(clientName)) { RequireHttps = requireHttps };
        return retriever.GetDocumentAsync(address, cancel);
    }
}
