using System.Text.Json;
using SpectroFlow.Core.Errors;
using SpectroFlow.Diffusion.Schedulers;
using SpectroFlow.TestKit;

namespace SpectroFlow.Diffusion.Tests.Schedulers;

/// <summary>scheduler_config.json read as diffusers' from_config: keys in the file apply to every class, absent keys keep each class's default.</summary>
public class SchedulerConfigTests
{
    [Fact]
    public void Sd15File_WithoutSpacing_GivesEachClassItsOwnDefault()
    {
        SchedulerConfig config = SchedulerConfig.Load(TestFiles.Fixture(Path.Combine("tiny-sd", "scheduler", "scheduler_config.json")));

        config.Spacing.Should().BeNull();
        SchedulerFactory.Create("euler", config, 5).Timestep(1).Should().Be(749.25, "linspace, Euler's own default");
        SchedulerFactory.Create("pndm", config, 5).Timestep(0).Should().Be(801, "leading + steps_offset 1, PNDM's");
        SchedulerFactory.Create("dpmpp2m", config, 5).Timestep(1).Should().Be(799);
    }

    [Fact]
    public void OptimumCompleteFile_WithLeadingSpacing_SwitchesEulerToLeading_AsDiffusersDoes()
    {
        SchedulerConfig config = Parse("""{"timestep_spacing": "leading", "steps_offset": 1}""");

        SchedulerFactory.Create("euler", config, 5).Timestep(0).Should().Be(801);
        double sigma = new NoiseSchedule().Sigma(801);
        SchedulerFactory.Create("euler", config, 5).InitNoiseSigma.Should().BeApproximately(Math.Sqrt((sigma * sigma) + 1), 1e-9, "leading spacing scales the init noise by sqrt(sigma_max^2 + 1)");
    }

    [Theory]
    [InlineData("pndm")]
    [InlineData("ddim")]
    public void LeadingSpacing_PastTheLastTrainingTimestep_SaysHowManyStepsFit(string scheduler)
    {
        Action create = () => SchedulerFactory.Create(scheduler, new SchedulerConfig(), 1000);

        create.Should().Throw<SpectroFlowException>().WithMessage("1000 steps*at most 999 steps");
        SchedulerFactory.Create(scheduler, new SchedulerConfig(), 999).Timestep(0).Should().Be(999);
    }

    [Theory]
    [InlineData("""{"prediction_type": "v_prediction"}""", "v_prediction")]
    [InlineData("""{"beta_schedule": "squaredcos_cap_v2"}""", "squaredcos_cap_v2")]
    [InlineData("""{"trained_betas": [0.1, 0.2]}""", "trained_betas")]
    public void UnsupportedValues_AreOneErrorNamingTheKey(string json, string named)
    {
        Action parse = () => Parse(json);

        parse.Should().Throw<InvalidModelException>().WithMessage($"*scheduler_config.json*{named}*");
    }

    private static SchedulerConfig Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return SchedulerConfig.Parse(document.RootElement, "model/scheduler/scheduler_config.json");
    }
}
