return NeuralLab.Cli.Cli.Run(args, Console.Out, Console.Error);
