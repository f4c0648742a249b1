console.log("rollcast: not yet");
