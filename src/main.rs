use clap::Parser;
use zhongjie::cli::{self, Cli};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    cli::init_logging(&cli.global.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 (error): {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
