# The R side of the forecasting benchmark (bench/forecast/run.ts, BENCHMARKS.md
# "Forecasting (issue 3)"): R's forecast package on the same series and origins as rollcast.
# Base R + forecast only; run.ts invokes it once per part, after its own forecasts are done.
#
#   Rscript forecast.R INPUT OUTPUT METHODS TIMEOUT_S TBATS_PARALLEL PROGRESS_EVERY LABEL
#
# INPUT (tab-separated, header): id, h, freq, periods, values
#   freq     the ts frequency stlf uses (24 for M4 hourly, one day of steps for the traces)
#   periods  seasonal periods for msts, comma-separated ("24,168"); empty = none
#   values   the fit window, space-separated
# OUTPUT (tab-separated, header), one line per task and method, appended as each fit ends so
# a crash keeps what was done: id, method, status (ok | error | timeout), elapsed_s, cpu_s,
# model, mean, upper80, message. mean and upper80 are space-separated, h values each; upper80
# is the upper bound of the 80 % interval, i.e. the 0.9 quantile.
# Times are measured here around fit + forecast (proc.time), so R's start-up and the loading
# of the package are not counted. A fit still running after TIMEOUT_S seconds is stopped and
# recorded as a timeout (see run_one).

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 7) stop("usage: forecast.R INPUT OUTPUT METHODS TIMEOUT_S TBATS_PARALLEL PROGRESS_EVERY LABEL")
input <- args[1]
output <- args[2]
methods <- strsplit(args[3], ",", fixed = TRUE)[[1]]
timeout <- as.numeric(args[4])
tbats_parallel <- identical(toupper(args[5]), "TRUE")
progress_every <- as.integer(args[6])
label <- args[7]

suppressPackageStartupMessages(library(forecast))

as_series <- function(y, periods) {
  if (length(periods) == 0) ts(y) else msts(y, seasonal.periods = periods)
}

fitters <- list(
  stlf = function(y, h, freq, periods) stlf(ts(y, frequency = freq), h = h, level = 80),
  mstl = function(y, h, freq, periods) forecast(mstl(as_series(y, periods)), h = h, level = 80),
  tbats = function(y, h, freq, periods) forecast(tbats(as_series(y, periods), use.parallel = tbats_parallel), h = h, level = 80)
)
unknown <- setdiff(methods, names(fitters))
if (length(unknown) > 0) stop("unknown method(s): ", paste(unknown, collapse = ", "))

clean <- function(text) gsub("[\t\r\n]+", " ", paste(text, collapse = " "))
num <- function(x) paste(sprintf("%.17g", as.numeric(x)), collapse = " ")

# One fit + forecast. The time is measured around fit + forecast only; only the numbers
# are kept (model description, mean, upper bound of the 80 % interval).
fit_timed <- function(fitter, y, h, freq, periods, limit) {
  warnings <- character(0)
  started <- proc.time()
  result <- tryCatch(
    {
      setTimeLimit(elapsed = limit, transient = TRUE)
      f <- withCallingHandlers(
        fitter(y, h, freq, periods),
        warning = function(w) {
          warnings <<- c(warnings, conditionMessage(w))
          invokeRestart("muffleWarning")
        }
      )
      setTimeLimit(elapsed = Inf)
      upper <- if (is.null(f$upper)) rep(NA_real_, h) else as.numeric(f$upper[, 1])
      list(status = "ok", model = f$method, mean = as.numeric(f$mean), upper = upper)
    },
    error = function(e) {
      setTimeLimit(elapsed = Inf)
      message <- conditionMessage(e)
      list(status = if (grepl("time limit", message, fixed = TRUE)) "timeout" else "error", message = message)
    }
  )
  used <- proc.time() - started
  result$elapsed <- used[["elapsed"]]
  result$cpu <- sum(used[c("user.self", "sys.self", "user.child", "sys.child")], na.rm = TRUE)
  result$warnings <- unique(warnings)
  result
}

# The timeout guard. stlf and mstl run in this process under setTimeLimit. tbats runs in a
# forked child (parallel::mcparallel) that is killed when it has not answered after the
# timeout: setTimeLimit alone does not stop tbats, whose model search catches the limit's
# error and carries on. The fork is outside the timed region, but a forked child runs small
# fits about 40 ms slower (copy-on-write pages), which is why the fast methods stay in-process
# (tbats fits take seconds to minutes, so it does not matter there).
isolated <- c("tbats")

run_one <- function(method, y, h, freq, periods) {
  fitter <- fitters[[method]]
  if (!(method %in% isolated)) return(fit_timed(fitter, y, h, freq, periods, timeout))
  # No time limit inside the child: if it fired inside tbats' own error handling, tbats would
  # drop a candidate model and answer with another instead of being stopped.
  job <- parallel::mcparallel(fit_timed(fitter, y, h, freq, periods, Inf), silent = TRUE)
  collected <- parallel::mccollect(job, wait = FALSE, timeout = timeout)
  if (is.null(collected)) {
    tools::pskill(job$pid, tools::SIGKILL)
    suppressWarnings(parallel::mccollect(job, wait = TRUE))
    return(list(status = "timeout", message = sprintf("no result after %g s; fit stopped", timeout), elapsed = timeout, cpu = NA_real_, warnings = character(0)))
  }
  result <- collected[[1]]
  if (inherits(result, "try-error") || !is.list(result)) {
    return(list(status = "error", message = paste("child failed:", paste(as.character(result), collapse = " ")), elapsed = NA_real_, cpu = NA_real_, warnings = character(0)))
  }
  result
}

lines <- readLines(input)
header <- strsplit(lines[1], "\t", fixed = TRUE)[[1]]
if (!identical(header, c("id", "h", "freq", "periods", "values"))) stop("unexpected input header: ", lines[1])
tasks <- lines[-1]
cat("id\tmethod\tstatus\telapsed_s\tcpu_s\tmodel\tmean\tupper80\tmessage\n", file = output)

total_started <- proc.time()
for (i in seq_along(tasks)) {
  cells <- strsplit(tasks[i], "\t", fixed = TRUE)[[1]]
  id <- cells[1]
  h <- as.integer(cells[2])
  freq <- as.numeric(cells[3])
  periods <- if (is.na(cells[4]) || cells[4] == "") numeric(0) else as.numeric(strsplit(cells[4], ",", fixed = TRUE)[[1]])
  y <- as.numeric(strsplit(cells[5], " ", fixed = TRUE)[[1]])
  done <- character(0)
  for (method in methods) {
    r <- run_one(method, y, h, freq, periods)
    if (r$status == "ok") {
      row <- c(id, method, "ok", sprintf("%.6f", r$elapsed), sprintf("%.6f", r$cpu), clean(r$model), num(r$mean), num(r$upper), clean(r$warnings))
    } else {
      row <- c(id, method, r$status, sprintf("%.6f", r$elapsed), sprintf("%.6f", r$cpu), "", "", "", clean(c(r$message, r$warnings)))
    }
    cat(paste(row, collapse = "\t"), "\n", file = output, append = TRUE, sep = "")
    done <- c(done, sprintf("%s %s %.1fs", method, r$status, r$elapsed))
  }
  if (i %% progress_every == 0 || i == length(tasks)) {
    spent <- (proc.time() - total_started)[["elapsed"]]
    cat(sprintf("  R %s %d/%d (%s): %s; %.0f s so far\n", label, i, length(tasks), id, paste(done, collapse = ", "), spent))
    flush(stdout())
  }
}
