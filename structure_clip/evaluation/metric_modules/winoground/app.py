import evaluate
from evaluate.utils import launch_gradio_widget


module = evaluate.load("winoground.py")
launch_gradio_widget(module)
