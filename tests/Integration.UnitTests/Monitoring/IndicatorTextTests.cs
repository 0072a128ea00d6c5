using Integration.Domain;
using Integration.Domain.Monitoring;

namespace Integration.UnitTests.Monitoring;

/// <summary>The indicators as the offices read them in their alerts and the notice: in Chinese, from the figures.</summary>
public sealed class IndicatorTextTests
{
    [Fact]
    public void DeliveryRate_OfAHospital_R3_AndOfASupplier_R4_AreNamedApart_AndSayTheFigures()
    {
        var r3 = new Indicator("deliveryRate", RuleId.R3, "B1", 0.75m, 0.8m, true, 150, 200);
        Assert.Equal("中选产品配送率低于80%", IndicatorText.Headline(r3));
        Assert.Equal("配送 150，订购 200，配送率 75%，低于 80%", IndicatorText.Breach(r3));
        Assert.Equal("企业配送率低于分档要求", IndicatorText.Headline(r3 with { Rule = RuleId.R4 }));
        // R4 above the first tier overall, below it at an institution (003 二(三): "每一家"): said so, with the institution.
        var r4 = new Indicator("deliveryRate", RuleId.R4, null, 0.9m, 0.8m, true, 900, 1000) { Items = ["H2"] };
        Assert.Equal("配送率 90%，但在部分有约定采购量的医疗机构低于 80%；涉及：H2", IndicatorText.Breach(r4));
    }

    [Fact]
    public void Progress_R8_SaysHowFarBehindTheScheduleTheUnitIs()
    {
        var r8 = new Indicator("agreedVolumeProgress", RuleId.R8, "B1", 0.6818m, 0.7028m, true, 750, 1100);
        Assert.Equal("采购进度低于序时进度", IndicatorText.Headline(r8));
        Assert.Equal("中选产品已采购 750，约定采购量 1100，完成 68.18%，低于序时进度 70.28%", IndicatorText.Breach(r8));
    }

    [Fact]
    public void TheCodesBehindABreach_AreListed()
    {
        var r14 = new Indicator("overAgreedVolume", RuleId.R14, "B2", 5.2m, 4m, true, 2, 3) { Items = ["P4", "P5"] };
        Assert.Equal("2 个协议（共 3 个）采购量超过约定采购量的 4 倍，最高为 5.2 倍；涉及：P4、P5", IndicatorText.Breach(r14));
    }

    [Fact]
    public void SubstitutableGrowth_SaysWhatItIsComparedWith()
    {
        var grown = new Indicator("substitutableGrowth", RuleId.R12, "B1", 1.5m, 1m, true, 150, 100) { DeclaredBase = false };
        Assert.Equal("本季度可替代药品采购 150，上年同期 100，为其 1.5 倍", IndicatorText.Breach(grown));
        Assert.Equal("上年同期未采购，本季度可替代药品采购 40", IndicatorText.Breach(grown with { Value = null, Numerator = 40, Denominator = 0 }));
        // Without the hub's record of the same quarter last year: the year so far against the year declared in demand reports.
        Assert.Equal("本年至今可替代药品采购 450，超过上年全年 400（平台无上年同期采购记录，上年数为医疗机构报量时申报的数）",
            IndicatorText.Breach(grown with { DeclaredBase = true, Numerator = 450, Denominator = 400 }));
    }

    [Fact]
    public void AnIndicatorItDoesNotKnow_KeepsItsId_AndItsFigures()
    {
        var unknown = new Indicator("somethingNew", RuleId.R27, null, 0.5m, 0.6m, true, 1, 2);
        Assert.Equal("somethingNew", IndicatorText.Headline(unknown));
        Assert.Equal("somethingNew：1 / 2", IndicatorText.Breach(unknown));
    }

    [Fact]
    public void AQuarter_IsWrittenAsTheNoticesWriteIt() =>
        Assert.Equal("2026年第3季度", IndicatorText.Of(new Quarter(2026, 3)));
}
