using System.Net;

namespace Integration.Tests.EndToEnd;

/// <summary>A valid partner acting outside its scope gets 403 and changes nothing.</summary>
public sealed class ScopeTests(HubFixture fixture)
{
    private World World => fixture.World;
    private Samples Samples => new(World);

    [Fact]
    public async Task Hospital_PostsOrdersForAnotherHospital_Is403()
    {
        var line = Samples.OrderLine(Samples.Unique("PO"));
        line["hospital"] = Samples.OtherHospital.Code;
        using var response = await World.Client(Samples.Hospital.Code).PostJsonAsync("/api/v1/orders", Samples.Items(line));
        var problem = await Samples.Expect(response, HttpStatusCode.Forbidden);
        Assert.Equal([(0, "/items/0/hospital", "not-your-institution")], Samples.Errors(problem));
    }

    [Fact]
    public async Task Supplier_DeliversAnotherManufacturersProduct_Is403()
    {
        var orderId = Samples.Unique("PO");
        await Samples.OrderAsync(Samples.OrderLine(orderId));
        var stranger = World.Province.Companies.First(c => c.Kind == Integration.Domain.Master.CompanyKind.Manufacturer && c.Code != Samples.Product.Manufacturer);
        using var response = await World.Client(stranger.Code).PostJsonAsync("/api/v1/deliveries", Samples.Items(Samples.Delivery(Samples.Unique("DN"), orderId)));
        Assert.Contains((0, "/items/0/product", "not-your-product"), Samples.Errors(await Samples.Expect(response, HttpStatusCode.Forbidden)));
    }

    [Fact]
    public async Task Supplier_DeliversItsOwnProduct_IsAccepted()
    {
        var orderId = Samples.Unique("PO");
        await Samples.OrderAsync(Samples.OrderLine(orderId));
        using var response = await World.Client(Samples.Product.Manufacturer).PostJsonAsync("/api/v1/deliveries", Samples.Items(Samples.Delivery(Samples.Unique("DN"), orderId)));
        await Samples.Expect(response, HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Distributor_DeliversAnOrderLineOfAnotherDistributor_Is403()
    {
        var orderId = Samples.Unique("PO");
        await Samples.OrderAsync(Samples.OrderLine(orderId));
        var other = World.Province.Distributors.First(d => d.Code != Samples.Distributor);
        using var response = await World.Client(other.Code).PostJsonAsync("/api/v1/deliveries", Samples.Items(Samples.Delivery(Samples.Unique("DN"), orderId)));
        Assert.Equal([(0, "/items/0/orderId", "not-your-order")], Samples.Errors(await Samples.Expect(response, HttpStatusCode.Forbidden)));
    }

    [Fact]
    public async Task CountyOffice_PostsOrders_Is403()
    {
        var county = World.Province.Jurisdictions.First(j => j.Level == Integration.Domain.Master.JurisdictionLevel.County);
        using var response = await World.Client(county.Code).PostJsonAsync("/api/v1/orders", Samples.Items(Samples.OrderLine(Samples.Unique("PO"))));
        await Samples.Expect(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Distributor_PostsOrders_Is403()
    {
        using var response = await World.Client(Samples.Distributor).PostJsonAsync("/api/v1/orders", Samples.Items(Samples.OrderLine(Samples.Unique("PO"))));
        await Samples.Expect(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Hospital_LoadsMasterDataOrReadsOperations_Is403()
    {
        var hospital = World.Client(Samples.Hospital.Code);
        using var put = await hospital.PutJsonAsync("/api/v1/admin/companies", new { items = new[] { new { code = "M9999", name = "x", kind = "manufacturer" } } });
        await Samples.Expect(put, HttpStatusCode.Forbidden);
        using var operations = await hospital.GetAsync("/api/v1/admin/operations");
        await Samples.Expect(operations, HttpStatusCode.Forbidden);
    }
}
